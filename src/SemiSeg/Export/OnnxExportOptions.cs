namespace SemiSeg.Export;

/// <summary>
/// What an ONNX export writes besides the network: the input size (fixed <see cref="Height"/> x
/// <see cref="Width"/>, or both null for a dynamic one), the normalisation and class names that a
/// consumer needs, and optionally the sliding window the config evaluates with.
/// </summary>
public sealed record OnnxExportOptions(long? Height, long? Width, double[] Mean, double[] Std, IReadOnlyList<string> ClassNames)
{
    public (int Height, int Width)? Window { get; init; }
    public string? Source { get; init; }

    public bool Dynamic => Height is null;

    public void Validate(long numClasses)
    {
        if (Height is null != Width is null) throw new ArgumentException("give both the height and the width of the export, or neither (--dynamic)");
        if (Height is <= 0 || Width is <= 0) throw new ArgumentException($"export size {Height}x{Width}: both must be positive");
        if (Mean.Length != 3 || Std.Length != 3)
            throw new ArgumentException($"mean and std need 3 values (RGB), got {Mean.Length} and {Std.Length}");
        if (Std.Any(s => s <= 0)) throw new ArgumentException($"std must be positive, got {string.Join(", ", Std)}");
        if (ClassNames.Count != numClasses)
            throw new ArgumentException($"{ClassNames.Count} class names for a network of {numClasses} classes");
    }
}
