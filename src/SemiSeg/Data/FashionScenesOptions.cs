namespace SemiSeg.Data;

/// <summary>Parameters of the FashionScenes benchmark (defaults make a run practical on a 2-core CPU).</summary>
public sealed record FashionScenesOptions
{
    public ulong Seed { get; init; }
    /// <summary>Canvas side in pixels.</summary>
    public int Size { get; init; } = 96;
    public int TrainScenes { get; init; } = 4000;
    public int ValScenes { get; init; } = 500;
    public int MinGarments { get; init; } = 2;
    public int MaxGarments { get; init; } = 5;
    /// <summary>Garment scale range relative to the 28-pixel glyph.</summary>
    public double MinScale { get; init; } = 0.8;
    public double MaxScale { get; init; } = 2.5;
    /// <summary>Glyph intensity (0-255, after resizing) from which a pixel is the garment's: fully opaque and labelled with its class.</summary>
    public int CoverThreshold { get; init; } = 96;
    /// <summary>Glyph intensity below which the garment leaves a pixel untouched; between the two the pixel blends and is labelled 255.</summary>
    public int BandThreshold { get; init; } = 32;

    internal void Validate()
    {
        if (Size < 32) throw new ArgumentException($"size {Size} must be at least 32");
        if (TrainScenes < 2 || ValScenes < 1) throw new ArgumentException("need at least 2 train scenes and 1 val scene");
        if (MinGarments < 1 || MaxGarments < MinGarments) throw new ArgumentException($"garment count range [{MinGarments}, {MaxGarments}] is invalid");
        if (!(MinScale > 0 && MaxScale >= MinScale)) throw new ArgumentException($"scale range [{MinScale}, {MaxScale}] is invalid");
        if (!(BandThreshold >= 1 && CoverThreshold > BandThreshold && CoverThreshold <= 255))
            throw new ArgumentException($"need 1 <= band threshold ({BandThreshold}) < cover threshold ({CoverThreshold}) <= 255");
    }
}
