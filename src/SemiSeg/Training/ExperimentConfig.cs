using SemiSeg.Config;
using SemiSeg.Methods;
using SemiSeg.Models;

namespace SemiSeg.Training;

/// <summary>
/// A whole training config: the official U2PL sections (dataset, trainer, saver, criterion, net) plus
/// ours at the top level: method (suponly, mt, cutmix, u2pl, imas), seed, device, threads. Loaded
/// from YAML with <c>--set key.path=value</c> overrides, validated as a whole (every error names its
/// key), and kept as resolved YAML for the run folder and the checkpoint.
/// </summary>
public sealed record ExperimentConfig
{
    public static readonly string[] Methods = { "suponly", "mt", "cutmix", "u2pl", "imas", "u2pl_ael" };

    public required string Method { get; init; }
    public ulong Seed { get; init; }
    public Device Device { get; init; } = Device.CPU;
    /// <summary>True when the device names its GPU ("cuda:1"); a data-parallel worker given plain "cuda" takes its LOCAL_RANK's.</summary>
    public bool DeviceIndexGiven { get; init; }
    public int Threads { get; init; }
    public required DataConfig Data { get; init; }
    public required TrainerSettings Trainer { get; init; }
    public required NetConfig Net { get; init; }
    public required SupervisedCriterionOptions Criterion { get; init; }
    public required UnsupervisedOptions Unsupervised { get; init; }
    public ContrastiveOptions? Contrastive { get; init; }
    /// <summary>U2PL's profile and simulated world size (trainer.profile, trainer.world_size; ours).</summary>
    public U2plProfile Profile { get; init; } = new();
    public ImasOptions? Imas { get; init; }
    /// <summary>Method u2pl_ael's settings (the with_AEL branch's keys; docs/u2pl-ael.md).</summary>
    public Methods.Ael.U2plAelOptions? Ael { get; init; }
    /// <summary>saver.pretrain: a checkpoint or state dict of the whole network to start from.</summary>
    public string? Pretrain { get; init; }
    /// <summary>saver.backbone (ours): ImageNet weights for the encoder only (torchvision or U2PL's resnet*.pth).</summary>
    public string? Backbone { get; init; }
    /// <summary>saver.auto_resume (official): train continues a run folder that holds a checkpoint, as with --resume.</summary>
    public bool AutoResume { get; init; }
    public required string SourcePath { get; init; }
    /// <summary>The folder relative paths were resolved against (the config file's folder).</summary>
    public required string Directory { get; init; }
    public required string ResolvedYaml { get; init; }
    /// <summary>What a run should say about how it reads the config (a key with a meaning the user may not expect), one line each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    public static ExperimentConfig Load(string path, IEnumerable<string>? overrides = null)
    {
        var root = ConfigNode.Load(path);
        foreach (var assignment in overrides ?? Array.Empty<string>()) root.Set(assignment);
        return FromTree(root, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>A config from text; relative paths are taken from <paramref name="directory"/>.</summary>
    public static ExperimentConfig Parse(string yaml, string directory, string source = "<config>", IEnumerable<string>? overrides = null)
    {
        var root = ConfigNode.Parse(yaml, source);
        foreach (var assignment in overrides ?? Array.Empty<string>()) root.Set(assignment);
        return FromTree(root, directory);
    }

    private static ExperimentConfig FromTree(ConfigNode root, string directory)
    {
        var method = root.Choice("method", "u2pl", Methods);
        if (method != "u2pl_ael") MethodConfigReader.RefuseAel(root);
        var data = DataConfig.Read(root, directory);
        if (method != "suponly" && data.UnlabeledList is null)
            throw root.Error("dataset.train.unlabeled_list", $"is required by method {method}: dataset.train.data_list {data.LabeledList} is not named {DataConfig.OfficialLabeledName}, so the unlabelled list cannot be derived from it (the official loader takes unlabeled.txt beside labeled.txt)");
        var trainer = TrainerSettings.Read(root, data);
        var net = ReadNet(root);
        var trainerNode = root.Section("trainer");
        if (method == "imas")
        {
            (trainer, net) = ImasDefaults(root, trainer, net);
            var ops = MethodConfigReader.StrongOps(root.Section("dataset").Section("train"), data.TrainAugmentation.IntensityOps);
            data = data with { TrainAugmentation = data.TrainAugmentation with { IntensityOps = ops } };
        }
        if (method == "u2pl_ael") trainer = MethodConfigReader.AelTrainerDefaults(root, trainer);
        var saver = root.Section("saver");
        saver.Accept("snapshot_dir");
        var pretrain = saver.String("pretrain");
        var backbone = saver.String("backbone");
        var profile = MethodConfigReader.Profile(trainerNode, method);
        if (profile.WorldSize > 1 && !net.SyncBn)
            throw root.Error("trainer.world_size", $"is {profile.WorldSize} with net.sync_bn False: one process computes batch norm over all simulated replicas together, as sync_bn does; set net.sync_bn: True");
        var contrastive = MethodConfigReader.Contrastive(trainerNode, net.NumClasses, profile, method);
        if (contrastive is not null && method is "u2pl" or "u2pl_ael" && !net.HasRepresentation)
            throw root.Error("trainer.contrastive", "needs a representation head: net.decoder must be DeepLabv3+ with rep_head on");
        var device = ReadDevice(root);
        if (trainer.Amp.RefusalOn(device) is { } refusal) throw root.Error("trainer.amp", $"{refusal} (device: {device})");
        var config = new ExperimentConfig
        {
            Method = method,
            Seed = (ulong)root.Int("seed", 0, 0),
            Device = device,
            DeviceIndexGiven = root.String("device", "cpu")!.Contains(':'),
            Threads = root.Int("threads", 0, 0, 1024),
            Data = data,
            Trainer = trainer,
            Net = net,
            Criterion = MethodConfigReader.Criterion(root, net.AuxLoss?.LossWeight ?? 0),
            Unsupervised = MethodConfigReader.Unsupervised(trainerNode, method),
            Contrastive = method is "u2pl" or "u2pl_ael" ? contrastive : null,
            Profile = profile,
            Imas = method == "imas" ? MethodConfigReader.Imas(root, net.EmaDecay, trainer.SupOnlyEpoch) : null,
            Ael = method == "u2pl_ael" ? MethodConfigReader.Ael(root, net.NumClasses, net.EmaDecay, net.EmaBuffers) : null,
            Pretrain = string.IsNullOrEmpty(pretrain) ? null : Path.GetFullPath(Path.Combine(directory, pretrain)),
            Backbone = string.IsNullOrEmpty(backbone) ? null : Path.GetFullPath(Path.Combine(directory, backbone)),
            AutoResume = saver.Bool("auto_resume", false),
            SourcePath = root.Source,
            Directory = directory,
            ResolvedYaml = root.ToYaml(),
            Notes = ReadNotes(root, net, profile, data),
        };
        root.RejectUnknownKeys();
        return config;
    }

    /// <summary>
    /// iMAS's own values where the config leaves net.ema_decay and trainer.sup_only_epoch out: every
    /// official iMAS config and VOC training-log header sets 0.996 and 0 (docs/imas.md), where the
    /// generic defaults are U2PL's 0.99 and 1.
    /// </summary>
    private static (TrainerSettings, NetConfig) ImasDefaults(ConfigNode root, TrainerSettings trainer, NetConfig net)
    {
        var ema = EmaOptions.Imas;
        if (!root.Section("trainer").Has("sup_only_epoch")) trainer = trainer with { SupOnlyEpoch = ema.SupOnlyEpoch };
        if (!root.Section("net").Has("ema_decay")) net = net with { EmaDecay = ema.Decay };
        return (trainer, net);
    }

    private static List<string> ReadNotes(ConfigNode root, NetConfig net, U2plProfile profile, DataConfig data)
    {
        var notes = new List<string>();
        // sync_bn is set by every official config; in one process it has nothing to synchronise.
        if (root.Section("net").Has("sync_bn") && net.SyncBn && profile.WorldSize == 1)
            notes.Add($"net.sync_bn: True with one process (trainer.world_size 1): batch norm normalises over this process's " +
                      $"{data.BatchSize} images per batch, as SyncBatchNorm on one GPU would; with method u2pl, trainer.world_size N " +
                      "simulates the official N-GPU batch");
        return notes;
    }

    private static Device ReadDevice(ConfigNode root)
    {
        var text = root.String("device", "cpu")!;
        try
        {
            return Device.Parse(text);
        }
        catch (ArgumentException)
        {
            throw root.Error("device", $"'{text}' is not a device (cpu, cuda or cuda:N)");
        }
    }

    private static NetConfig ReadNet(ConfigNode root)
    {
        if (!root.Has("net")) throw root.Error("net", "the section is required (num_classes, encoder, decoder)");
        root.Accept("net");
        try
        {
            return NetConfigYaml.FromRoot(root.Mapping);
        }
        catch (ConfigException e) when (e.Source is null)
        {
            throw e.InFile(root.Source);
        }
    }
}
