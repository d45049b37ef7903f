using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SemiSeg.Config;

/// <summary>
/// A YAML configuration as a tree of maps, lists and scalars, with typed accessors that name the
/// key path (and file and line) in every error, and a record of which keys were read so that a
/// misspelt key is reported instead of silently ignored. Key names are the official U2PL ones.
/// </summary>
public sealed class ConfigNode
{
    private readonly YamlNode node;
    private readonly HashSet<string> read;
    // Values that came from --set, with their assignment: an error in one names the --set, not a line of the file.
    private readonly Dictionary<YamlNode, string> overrides;

    public string Path { get; }
    public string Source { get; }

    private ConfigNode(YamlNode node, string path, string source, HashSet<string> read, Dictionary<YamlNode, string> overrides)
    {
        this.overrides = overrides;
        this.node = node;
        Path = path;
        Source = source;
        this.read = read;
    }

    public static ConfigNode Load(string file)
    {
        if (!File.Exists(file)) throw new ConfigException("(file)", "config file not found", file);
        try
        {
            return Parse(File.ReadAllText(file), file);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ConfigException($"line {e.Start.Line}", $"invalid YAML: {e.InnerException?.Message ?? e.Message}", file);
        }
    }

    public static ConfigNode Parse(string yaml, string source = "<config>")
    {
        YamlDepth.Ensure(yaml, source);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : new YamlMappingNode();
        if (root is YamlScalarNode { Value: null or "" }) root = new YamlMappingNode();
        if (root is not YamlMappingNode) throw new ConfigException("(root)", "the top level must be a mapping of sections", source);
        return new ConfigNode(root, "", source, new HashSet<string>(), new Dictionary<YamlNode, string>(ReferenceEqualityComparer.Instance));
    }

    private YamlMappingNode Map => node as YamlMappingNode ?? throw Error(Path, "expected a mapping");

    /// <summary>The underlying YAML mapping, for readers that walk a section themselves.</summary>
    public YamlMappingNode Mapping => Map;

    private string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => Map.Children.ContainsKey(new YamlScalarNode(key));

    private YamlNode? Raw(string key)
    {
        read.Add(Child(key));
        return Map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    /// <summary>A sub-section; an absent one reads as empty so its defaults apply.</summary>
    public ConfigNode Section(string key)
    {
        var raw = Raw(key);
        if (raw is null || raw is YamlScalarNode { Value: null or "" or "~" or "null" })
            return new ConfigNode(new YamlMappingNode(), Child(key), Source, read, overrides);
        if (raw is not YamlMappingNode) throw Error(Child(key), $"expected a section (mapping), got '{raw}'", raw);
        return new ConfigNode(raw, Child(key), Source, read, overrides);
    }

    public string? String(string key, string? fallback = null)
    {
        var raw = Raw(key);
        if (raw is null) return fallback;
        if (raw is not YamlScalarNode scalar) throw Error(Child(key), "expected a single value", raw);
        return scalar.Value is null or "~" or "null" ? fallback : scalar.Value;
    }

    public string Choice(string key, string fallback, params string[] allowed)
    {
        var value = String(key, fallback)!;
        if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            throw Error(Child(key), $"'{value}' is not one of: {string.Join(", ", allowed)}", Raw(key));
        return allowed.First(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
    }

    public double Double(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var text = String(key);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw Error(Child(key), $"expected a number, got '{text}'", Raw(key));
        return InRange(key, value, min, max);
    }

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = String(key);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw Error(Child(key), $"expected an integer, got '{text}'", Raw(key));
        return (int)InRange(key, value, min, max);
    }

    /// <summary>An optional integer: null when the key is absent or null (~), else checked against the range like <see cref="Int"/>.</summary>
    public int? IntOrNull(string key, int min = int.MinValue, int max = int.MaxValue) =>
        String(key) is null ? null : Int(key, 0, min, max);

    public bool Bool(string key, bool fallback)
    {
        var text = String(key);
        if (text is null) return fallback;
        return text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(Child(key), $"expected true or false, got '{text}'", Raw(key)),
        };
    }

    public double[]? Doubles(string key, int? count = null)
    {
        var raw = Raw(key);
        if (raw is null) return null;
        if (raw is not YamlSequenceNode list) throw Error(Child(key), "expected a list like [1, 2]", raw);
        var values = list.Children.Select(item =>
            item is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d : throw Error(Child(key), $"expected numbers, got '{item}'", item)).ToArray();
        if (count is { } n && values.Length != n) throw Error(Child(key), $"expected {n} values, got {values.Length}", raw);
        return values;
    }

    public int[]? Ints(string key, int? count = null) =>
        Doubles(key, count)?.Select(d => d == Math.Floor(d) ? (int)d : throw Error(Child(key), $"expected integers, got {d}")).ToArray();

    public bool[]? Bools(string key)
    {
        var raw = Raw(key);
        if (raw is null) return null;
        if (raw is not YamlSequenceNode list) throw Error(Child(key), "expected a list like [False, True]", raw);
        return list.Children.Select(item => (item as YamlScalarNode)?.Value?.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error(Child(key), $"expected true/false values, got '{item}'", item),
        }).ToArray();
    }

    /// <summary>Marks keys as known but unused (official keys that do not apply here), so they are not reported.</summary>
    // Keys accepted whole (a section another reader checks) are recorded in the shared read set with this prefix.
    private const string WholeMarker = "\u0001";

    public void Accept(params string[] keys)
    {
        foreach (var key in keys)
        {
            read.Add(Child(key));
            read.Add(WholeMarker + Child(key));
        }
    }

    /// <summary>Throws for every key under this node that no accessor read (typically a misspelling).</summary>
    public void RejectUnknownKeys()
    {
        var unknown = new List<string>();
        Collect(node, Path, unknown);
        if (unknown.Count > 0)
            throw new ConfigException(string.Join(", ", unknown), $"unknown key{(unknown.Count > 1 ? "s" : "")} (misspelt, or not a key of this section)", Source);
    }

    private void Collect(YamlNode current, string path, List<string> unknown)
    {
        if (current is not YamlMappingNode map) return;
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var full = path.Length == 0 ? key : $"{path}.{key}";
            if (!read.Contains(full)) unknown.Add($"'{full}' (line {keyNode.Start.Line})");
            else if (!read.Contains(WholeMarker + full)) Collect(value, full, unknown);
        }
    }

    private double InRange(string key, double value, double min, double max) =>
        value >= min && value <= max ? value
            : throw Error(Child(key), $"{value.ToString(CultureInfo.InvariantCulture)} is outside [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]", Raw(key));

    public ConfigException Error(string path, string message, YamlNode? at = null) =>
        new(path, message, at is null ? Source
            : overrides.TryGetValue(at, out var assignment) ? $"--set {assignment}" : $"{Source}:{at.Start.Line}");

    /// <summary>Applies a `key.path=value` override; the value is parsed as YAML (so [1, 2] is a list).</summary>
    public void Set(string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0) throw new ConfigException($"--set {assignment}", "expected key.path=value");
        var keys = assignment[..equals].Trim().Split('.');
        YamlDepth.Ensure(assignment[(equals + 1)..], $"--set {assignment}");
        var valueStream = new YamlStream();
        valueStream.Load(new StringReader(assignment[(equals + 1)..]));
        YamlNode value = valueStream.Documents.Count > 0 ? valueStream.Documents[0].RootNode : new YamlScalarNode("");
        foreach (var part in value.AllNodes) overrides[part] = assignment;
        var map = Map;
        for (var k = 0; k < keys.Length - 1; k++)
        {
            var keyNode = new YamlScalarNode(keys[k]);
            if (!map.Children.TryGetValue(keyNode, out var next) || next is not YamlMappingNode nextMap)
            {
                nextMap = new YamlMappingNode();
                map.Children[keyNode] = nextMap;
            }
            map = nextMap;
        }
        map.Children[new YamlScalarNode(keys[^1])] = value;
    }

    /// <summary>The tree as YAML text (for the resolved config saved with a run).</summary>
    public string ToYaml()
    {
        var stream = new YamlStream(new YamlDocument(node));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n") ? text[..^4] : text;
    }
}
