using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SemiSeg;

/// <summary>
/// Typed reading of one YAML mapping, with errors that name the dotted key and the bad value, and a
/// check that every key was used (a misspelt key is an error, not a silent default).
/// </summary>
internal sealed class YamlSection
{
    private readonly YamlMappingNode node;
    private readonly HashSet<string> used = new();

    public string Path { get; }

    public YamlSection(YamlMappingNode node, string path) => (this.node, Path) = (node, path);

    private string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private YamlNode? Find(string key)
    {
        used.Add(key);
        foreach (var (k, v) in node.Children)
            if (k is YamlScalarNode { Value: var name } && name == key)
                return v is YamlScalarNode { Value: null or "" or "~" or "null" } ? null : v;
        return null;
    }

    public bool Has(string key) => Find(key) is not null;

    private string? Scalar(string key)
    {
        var value = Find(key);
        if (value is null) return null;
        if (value is not YamlScalarNode scalar) throw new ConfigException(KeyPath(key), $"expected a single value, got a {Describe(value)}");
        return scalar.Value;
    }

    public string String(string key, string fallback) => Scalar(key) ?? fallback;

    public int Int(string key, int fallback) => Scalar(key) is { } text ? ParseInt(KeyPath(key), text) : fallback;

    public double Double(string key, double fallback)
    {
        if (Scalar(key) is not { } text) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value : throw new ConfigException(KeyPath(key), $"expected a number, got '{text}'");
    }

    public bool Bool(string key, bool fallback) => Scalar(key) is { } text ? ParseBool(KeyPath(key), text) : fallback;

    public IReadOnlyList<bool>? Bools(string key) => List(key)?.Select((t, k) => ParseBool($"{KeyPath(key)}[{k}]", t)).ToArray();

    public IReadOnlyList<int>? Ints(string key) => List(key)?.Select((t, k) => ParseInt($"{KeyPath(key)}[{k}]", t)).ToArray();

    private IReadOnlyList<string>? List(string key)
    {
        var value = Find(key);
        if (value is null) return null;
        if (value is not YamlSequenceNode sequence) throw new ConfigException(KeyPath(key), $"expected a list such as [1, 2, 3], got a {Describe(value)}");
        return sequence.Children.Select((item, k) => item is YamlScalarNode { Value: { } v } ? v
            : throw new ConfigException($"{KeyPath(key)}[{k}]", $"expected a single value, got a {Describe(item)}")).ToArray();
    }

    /// <summary>The nested mapping under <paramref name="key"/>, or null when the key is absent.</summary>
    public YamlSection? Section(string key)
    {
        var value = Find(key);
        if (value is null) return null;
        return value is YamlMappingNode mapping
            ? new YamlSection(mapping, KeyPath(key))
            : throw new ConfigException(KeyPath(key), $"expected a mapping of keys, got a {Describe(value)}");
    }

    /// <summary>Throws for the first key that no reader asked for.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var (k, _) in node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? k.ToString();
            if (!used.Contains(name))
                throw new ConfigException(KeyPath(name), $"unknown key; known keys here: {string.Join(", ", used.Order())}");
        }
    }

    private static int ParseInt(string keyPath, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value : throw new ConfigException(keyPath, $"expected an integer, got '{text}'");

    private static bool ParseBool(string keyPath, string text) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => throw new ConfigException(keyPath, $"expected true or false, got '{text}'"),
    };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };
}
