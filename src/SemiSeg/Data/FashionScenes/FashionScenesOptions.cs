namespace SemiSeg.Data;

/// <summary>Parameters of the FashionScenes benchmark (defaults make a run practical on a 2-core CPU).</summary>
public sealed record FashionScenesOptions
{
    public ulong Seed { get; init; }
    /// <summary>Canvas side in pixels. 64 lets a 64x64 training crop hold the whole scene, so the model
    /// sees each garment's whole outline, which is what tells a shirt from a coat.</summary>
    public int Size { get; init; } = 64;
    public int TrainScenes { get; init; } = 4000;
    public int ValScenes { get; init; } = 500;
    /// <summary>
    /// The first this-many training scenes are the labelled pool that the protocol splits (1/16 ... 1/2,
    /// and "full") are drawn from; every other training scene is only ever unlabelled. This is classic
    /// PASCAL VOC's design (fractions of its 1,464 finely annotated images, the rest of the 10,582 as
    /// unlabelled images). Capped at <see cref="TrainScenes"/>.
    /// </summary>
    public int LabelledPool { get; init; } = 1000;
    public int MinGarments { get; init; } = 2;
    public int MaxGarments { get; init; } = 4;
    /// <summary>Garment scale range relative to the 28-pixel glyph.</summary>
    public double MinScale { get; init; } = 0.7;
    public double MaxScale { get; init; } = 1.7;

    public int EffectiveLabelledPool => Math.Min(LabelledPool, TrainScenes);

    /// <summary>The parameters in one line: the first line of fashion-scenes.txt, which tells whether a folder holds this build.</summary>
    public string Header => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"FashionScenes seed={Seed} size={Size} train={TrainScenes} val={ValScenes} garments={MinGarments}-{MaxGarments} scale={MinScale}-{MaxScale} cover>={CoverThreshold} band>={BandThreshold} labelled-pool={EffectiveLabelledPool}");
    /// <summary>Glyph intensity (0-255, after resizing) from which a pixel is the garment's: fully opaque and labelled with its class.</summary>
    public int CoverThreshold { get; init; } = 96;
    /// <summary>Glyph intensity below which the garment leaves a pixel untouched; between the two the pixel blends and is labelled 255.</summary>
    public int BandThreshold { get; init; } = 32;

    internal void Validate()
    {
        if (Size < 32) throw new ArgumentException($"size {Size} must be at least 32");
        if (TrainScenes < 2 || ValScenes < 1) throw new ArgumentException("need at least 2 train scenes and 1 val scene");
        if (LabelledPool < 2) throw new ArgumentException($"labelled pool {LabelledPool} must be at least 2 scenes");
        if (MinGarments < 1 || MaxGarments < MinGarments) throw new ArgumentException($"garment count range [{MinGarments}, {MaxGarments}] is invalid");
        if (!(MinScale > 0 && MaxScale >= MinScale)) throw new ArgumentException($"scale range [{MinScale}, {MaxScale}] is invalid");
        if (!(BandThreshold >= 1 && CoverThreshold > BandThreshold && CoverThreshold <= 255))
            throw new ArgumentException($"need 1 <= band threshold ({BandThreshold}) < cover threshold ({CoverThreshold}) <= 255");
    }
}
