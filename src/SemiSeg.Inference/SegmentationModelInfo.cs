using System.Globalization;
using System.Text.Json;

namespace SemiSeg.Inference;

/// <summary>
/// What an exported model says about itself in its metadata (written by semiseg export, keys
/// "semiseg.*"): the input normalisation, the class names and, optionally, the sliding window its
/// config evaluates with; and, from the graph, the fixed input size when it has one.
/// </summary>
public sealed record SegmentationModelInfo(double[] Mean, double[] Std, IReadOnlyList<string> ClassNames,
                                           (int Height, int Width)? InputSize, (int Height, int Width)? Window)
{
    public const string MeanKey = "semiseg.mean";
    public const string StdKey = "semiseg.std";
    public const string ClassNamesKey = "semiseg.class_names";
    public const string WindowKey = "semiseg.window";

    /// <summary>Reads the metadata; a missing or malformed entry is an error naming the model and the key.</summary>
    public static SegmentationModelInfo Read(IReadOnlyDictionary<string, string> metadata, (int, int)? inputSize, string modelPath)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{modelPath}: metadata '{key}' is missing (export the model with semiseg export)");
        double[] Numbers(string key)
        {
            var parts = Get(key).Split(',');
            var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN).ToArray();
            if (values.Length != 3 || values.Any(double.IsNaN))
                throw new InvalidDataException($"{modelPath}: metadata '{key}' = '{Get(key)}' is not 3 comma-separated numbers");
            return values;
        }
        string[] names;
        try
        {
            names = JsonSerializer.Deserialize<string[]>(Get(ClassNamesKey)) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{modelPath}: metadata '{ClassNamesKey}' is not a JSON array of strings ({e.Message})");
        }
        var std = Numbers(StdKey);
        if (std.Any(s => s <= 0)) throw new InvalidDataException($"{modelPath}: metadata '{StdKey}' = '{Get(StdKey)}' must be positive");
        return new SegmentationModelInfo(Numbers(MeanKey), std, names, inputSize, ParseWindow(metadata, modelPath));
    }

    private static (int, int)? ParseWindow(IReadOnlyDictionary<string, string> metadata, string modelPath)
    {
        if (!metadata.TryGetValue(WindowKey, out var text)) return null;
        var parts = text.Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out var h) && int.TryParse(parts[1], out var w) && h > 0 && w > 0) return (h, w);
        throw new InvalidDataException($"{modelPath}: metadata '{WindowKey}' = '{text}' is not HEIGHTxWIDTH");
    }
}
