using System.Collections;
using System.Globalization;
using System.Reflection;
using SemiSeg.Training;
using YamlDotNet.RepresentationModel;

namespace SemiSeg.Tests.Training;

/// <summary>
/// Issue 18, item 3: every key of every shipped config (configs/fashion, configs/pascal,
/// configs/cityscapes) is read. Each key's value is changed in turn; the change must either show in
/// the parsed <see cref="ExperimentConfig"/> (compared field by field) or be refused with an error
/// naming the key. The only exceptions are <see cref="ReadWithoutEffect"/>, each with its reason
/// (docs/configs.md, "Official keys that are accepted and unused").
/// </summary>
public class ConfigKeyCoverageTests
{
    /// <summary>Official keys read (so not misspellings) but with nothing to do here.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReadWithoutEffect = new Dictionary<string, string>
    {
        ["dataset.noise_std"] = "read by nothing in the official code",
        ["trainer.start_epochs"] = "read by nothing in the official train_sup.py; a resumed run takes its epoch from the checkpoint",
        ["trainer.unsupervised.TTA"] = "read by nothing in the official code",
        ["saver.snapshot_dir"] = "checkpoints go to the run folder (semiseg train --out)",
        ["net.encoder.kwargs.sync_bn"] = "the official builder overwrites it with net.sync_bn, which is read",
        ["dataset.train.acm.number"] = "u2pl_ael: in the with_AEL branch's config, read by nothing in its train.py",
    };

    private static readonly string Root = RepositoryPaths.Root;


    public static TheoryData<string> ShippedConfigs() => new(
        Directory.EnumerateFiles(Path.Combine(Root, "configs"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(Root, "configs"), f).Replace('\\', '/')).Order());

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void ChangingAnyKeyChangesTheParsedConfigOrIsRefusedByName(string relative)
    {
        var file = Path.Combine(Root, "configs", relative);
        var yaml = File.ReadAllText(file);
        var directory = Path.GetDirectoryName(file)!;
        var baseline = Dump(ExperimentConfig.Parse(yaml, directory, file));
        var unread = new List<string>();
        var keys = Leaves(yaml);
        Assert.NotEmpty(keys);
        foreach (var (key, node) in keys)
        {
            var assignment = $"{key}={Changed(node)}";
            try
            {
                var changed = Dump(ExperimentConfig.Parse(yaml, directory, file, new[] { assignment }));
                if (changed.SequenceEqual(baseline) && !ReadWithoutEffect.ContainsKey(key)) unread.Add($"{assignment}: no effect on the parsed config");
                if (!changed.SequenceEqual(baseline) && ReadWithoutEffect.ContainsKey(key)) unread.Add($"{assignment}: has an effect; take it off ReadWithoutEffect");
            }
            catch (Exception e) when (e is SemiSeg.ConfigException or SemiSeg.Methods.MethodOptionException or ArgumentException)
            {
                if (!e.Message.Contains(key.Split('.')[^1], StringComparison.Ordinal)) unread.Add($"{assignment}: refused without naming the key ({e.Message})");
            }
        }
        Assert.True(unread.Count == 0, $"{relative}:\n" + string.Join("\n", unread));
    }

    [Fact]
    public void TheExceptionsAreOnlyOfficialKeysTheDocsList()
    {
        var docs = File.ReadAllText(Path.Combine(Root, "docs", "configs.md"));
        var table = docs[docs.IndexOf("## Official keys that are accepted and unused", StringComparison.Ordinal)..];
        foreach (var key in ReadWithoutEffect.Keys) Assert.Contains($"`{key}`", table);
    }

    /// <summary>Every leaf of a config (scalars and lists) by dotted key path.</summary>
    private static List<(string Key, YamlNode Node)> Leaves(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var leaves = new List<(string, YamlNode)>();
        void Walk(YamlNode node, string path)
        {
            if (node is YamlMappingNode map)
                foreach (var (k, v) in map.Children) Walk(v, path.Length == 0 ? ((YamlScalarNode)k).Value! : $"{path}.{((YamlScalarNode)k).Value}");
            else leaves.Add((path, node));
        }
        Walk(stream.Documents[0].RootNode, "");
        return leaves;
    }

    /// <summary>Another value of the same kind: a flipped bool, a number moved, a string or path altered, a list's first item changed.</summary>
    private static string Changed(YamlNode node) => node switch
    {
        YamlSequenceNode list when list.Children.Count > 0 =>
            "[" + string.Join(", ", list.Children.Select((item, i) => i == 0 ? Changed(item) : ((YamlScalarNode)item).Value)) + "]",
        YamlSequenceNode => "[1]",
        YamlScalarNode { Value: var v } => ChangedScalar(v ?? ""),
        _ => "x",
    };

    private static string ChangedScalar(string value)
    {
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return "False";
        if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) return "True";
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return (n + 1).ToString(CultureInfo.InvariantCulture);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return (d == 0 ? 0.5 : d / 2).ToString("R", CultureInfo.InvariantCulture);
        return value.Length == 0 || value is "~" or "null" ? "changed.pth" : value + "_changed";
    }

    /// <summary>The parsed config as path to value text, by reflection over public properties and fields (not the resolved YAML or source path, which always follow the text).</summary>
    private static List<string> Dump(ExperimentConfig config)
    {
        var lines = new List<string>();
        Dump(config with { ResolvedYaml = "", SourcePath = "" }, "", lines, 0);
        return lines;
    }

    private static void Dump(object? value, string path, List<string> lines, int depth)
    {
        if (depth > 12) throw new InvalidOperationException($"{path}: too deep (a cycle?)");
        switch (value)
        {
            case null:
                lines.Add($"{path}=null");
                return;
            case string or bool or char or Enum:
                lines.Add($"{path}={value}");
                return;
            case double or float:
                lines.Add($"{path}={((IFormattable)value).ToString("R", CultureInfo.InvariantCulture)}");
                return;
            case IFormattable when value.GetType().IsPrimitive || value is decimal:
                lines.Add($"{path}={Convert.ToString(value, CultureInfo.InvariantCulture)}");
                return;
            case Delegate or MemberInfo:
                lines.Add($"{path}=<{value.GetType().Name}>");
                return;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items) Dump(item, $"{path}[{i++}]", lines, depth + 1);
                lines.Add($"{path}.Count={i}");
                return;
        }
        var type = value.GetType();
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            Dump(field.GetValue(value), $"{path}.{field.Name}", lines, depth + 1);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.GetIndexParameters().Length == 0)
            {
                object? item;
                try { item = property.GetValue(value); }
                catch (TargetInvocationException e) { item = $"<throws {e.InnerException?.GetType().Name}>"; }
                Dump(item, $"{path}.{property.Name}", lines, depth + 1);
            }
    }
}
