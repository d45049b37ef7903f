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
    public static readonly string[] Methods = { "suponly", "mt", "cutmix", "u2pl", "imas" };

    public required string Method { get; init; }
    public ulong Seed { get; init; }
    public Device Device { get; init; } = Device.CPU;
    public int Threads { get; init; }
    public required DataConfig Data { get; init; }
    public required TrainerSettings Trainer { get; init; }
    public required NetConfig Net { get; init; }
    public required SupervisedCriterionOptions Criterion { get; init; }
    public required UnsupervisedOptions Unsupervised { get; init; }
    public ContrastiveOptions? Contrastive { get; init; }
    public ImasOptions? Imas { get; init; }
    /// <summary>saver.pretrain: a checkpoint or state dict of the whole network to start from.</summary>
    public string? Pretrain { get; init; }
    /// <summary>saver.backbone (ours): ImageNet weights for the encoder only (torchvision or U2PL's resnet*.pth).</summary>
    public string? Backbone { get; init; }
    public required string SourcePath { get; init; }
    /// <summary>The folder relative paths were resolved against (the config file's folder).</summary>
    public required string Directory { get; init; }
    public required string ResolvedYaml { get; init; }

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
        var data = DataConfig.Read(root, directory);
        var trainer = TrainerSettings.Read(root, data);
        var net = ReadNet(root);
        var trainerNode = root.Section("trainer");
        var saver = root.Section("saver");
        saver.Accept("snapshot_dir", "auto_resume");
        var pretrain = saver.String("pretrain");
        var backbone = saver.String("backbone");
        var contrastive = MethodConfigReader.Contrastive(trainerNode, net.NumClasses);
        if (contrastive is not null && method == "u2pl" && !net.HasRepresentation)
            throw root.Error("trainer.contrastive", "needs a representation head: net.decoder must be DeepLabv3+ with rep_head on");
        var device = Device.Parse(root.String("device", "cpu")!);
        if (trainer.Amp.RefusalOn(device) is { } refusal) throw root.Error("trainer.amp", $"{refusal} (device: {device})");
        var config = new ExperimentConfig
        {
            Method = method,
            Seed = (ulong)root.Int("seed", 0, 0),
            Device = device,
            Threads = root.Int("threads", 0, 0, 1024),
            Data = data,
            Trainer = trainer,
            Net = net,
            Criterion = MethodConfigReader.Criterion(root, net.AuxLoss?.LossWeight ?? 0),
            Unsupervised = MethodConfigReader.Unsupervised(trainerNode, method),
            Contrastive = method == "u2pl" ? contrastive : null,
            Imas = method == "imas" ? MethodConfigReader.Imas(root, net.EmaDecay, trainer.SupOnlyEpoch) : null,
            Pretrain = string.IsNullOrEmpty(pretrain) ? null : Path.GetFullPath(Path.Combine(directory, pretrain)),
            Backbone = string.IsNullOrEmpty(backbone) ? null : Path.GetFullPath(Path.Combine(directory, backbone)),
            SourcePath = root.Source,
            Directory = directory,
            ResolvedYaml = root.ToYaml(),
        };
        root.RejectUnknownKeys();
        return config;
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
