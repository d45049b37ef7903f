using SemiSeg.Torch.Serialization;
using YamlDotNet.RepresentationModel;

namespace SemiSeg.Training;

/// <summary>
/// <c>--resume</c> continues the run a checkpoint belongs to, so the config must be the one it was
/// started with: a changed key (trainer.epochs, which also reshapes the poly schedule; a loss weight;
/// a data list) would silently give a run that is neither the old one nor a new one. Only keys that
/// do not change what is computed may differ: <see cref="FreeKeys"/>.
/// </summary>
public static class ResumeCheck
{
    /// <summary>Keys a resumed run may change: where and how fast it runs, not what it computes.</summary>
    public static readonly IReadOnlySet<string> FreeKeys = new HashSet<string>
    {
        "threads", "device", "dataset.workers", "dataset.prefetch", "saver.auto_resume", "saver.snapshot_dir", "trainer.log_every",
    };

    /// <summary>
    /// Throws a <see cref="ConfigException"/> naming every changed key when the config differs from the checkpoint's,
    /// and an <see cref="ArgumentException"/> when the checkpoint was written by a data-parallel run of another
    /// number of <paramref name="processes"/> (each process is a replica: the batch, batch norm's statistics and
    /// U2PL's per-replica losses would all change).
    /// </summary>
    /// <param name="checkpoint">the checkpoint, read once by the trainer (which then restores from it)</param>
    public static void Ensure(TorchDict checkpoint, string checkpointPath, ExperimentConfig config, int processes = 1)
    {
        if (!checkpoint.ContainsKey("config")) return;   // not written by semiseg train: nothing to compare
        var then = checkpoint.ContainsKey(Checkpoint.ProcessesKey) ? checkpoint.GetInt(Checkpoint.ProcessesKey) : 1;
        if (then != processes)
            throw new ArgumentException($"--resume continues the run of {checkpointPath}, which {Trained(then)}; this start has " +
                                        $"{Processes(processes)}. Resume it with --nproc-per-node {then} (over all nodes), or train into a new --out.");
        var stored = checkpoint.GetString("config");
        var changes = Differences(stored, config.ResolvedYaml);
        if (changes.Count == 0) return;
        throw new ConfigException(changes[0].Key,
            $"--resume continues the run of {checkpointPath}, which was started with other settings: " +
            string.Join("; ", changes.Select(c => $"{c.Key} is {c.Now ?? "absent"} here, {c.Then ?? "absent"} in the checkpoint")) +
            ". Set them back (the checkpoint's config is in the run folder's config.yaml), or train into a new --out.", config.SourcePath);
    }

    private static string Trained(long processes) => processes == 1 ? "was trained by one process" : $"was trained by {processes} data-parallel processes";
    private static string Processes(long processes) => processes == 1 ? "one process" : $"{processes} processes";

    /// <summary>The keys whose values differ between two resolved configs, except <see cref="FreeKeys"/>.</summary>
    public static IReadOnlyList<(string Key, string? Then, string? Now)> Differences(string thenYaml, string nowYaml)
    {
        var then = Flatten(thenYaml);
        var now = Flatten(nowYaml);
        return then.Keys.Union(now.Keys).Where(k => !FreeKeys.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => (Key: k, Then: then.GetValueOrDefault(k), Now: now.GetValueOrDefault(k)))
            .Where(d => d.Then != d.Now).ToList();
    }

    /// <summary>Every leaf of a config as key path to value text; lists as "[a, b]"; empty values left out, as absent.</summary>
    private static Dictionary<string, string> Flatten(string yaml)
    {
        SemiSeg.Config.YamlDepth.Ensure(yaml, "the checkpoint's config");
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var leaves = new Dictionary<string, string>();
        if (stream.Documents.Count > 0) Walk(stream.Documents[0].RootNode, "", leaves);
        return leaves;
    }

    private static void Walk(YamlNode node, string path, Dictionary<string, string> leaves)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                    Walk(value, path.Length == 0 ? ((YamlScalarNode)key).Value! : $"{path}.{((YamlScalarNode)key).Value}", leaves);
                break;
            case YamlSequenceNode list:
                leaves[path] = "[" + string.Join(", ", list.Children.Select(Text)) + "]";
                break;
            case YamlScalarNode { Value: { Length: > 0 } value } when value is not ("~" or "null"):
                leaves[path] = value;
                break;
        }
    }

    private static string Text(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? "",
        YamlSequenceNode list => "[" + string.Join(", ", list.Children.Select(Text)) + "]",
        _ => node.ToString(),
    };
}
