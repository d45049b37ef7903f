namespace SemiSeg.Data;

/// <summary>
/// The per-sample augmentations, with U2PL's config keys and defaults (dataset.train in
/// experiments/*/config.yaml): mean/std on the 0-255 scale, rand_resize [0.5, 2.0], flip,
/// GaussianBlur, crop {size, type}. Padding: the image with zero after normalisation (the mean
/// colour), the label with <see cref="LabelPad"/>.
/// </summary>
public sealed record AugmentationOptions
{
    public double[] Mean { get; init; } = { 123.675, 116.28, 103.53 };
    public double[] Std { get; init; } = { 58.395, 57.12, 57.375 };
    /// <summary>rand_resize: scale range, or null for none. Half the draws shrink, half enlarge, as U2PL's RandResize.</summary>
    public (double Min, double Max)? RandResize { get; init; }
    public bool Flip { get; init; }
    /// <summary>GaussianBlur: U2PL's 5x5 kernel (sigma 1.1) with probability 0.5.</summary>
    public bool GaussianBlur { get; init; }
    /// <summary>crop.size as (height, width), or null for the full image.</summary>
    public (int Height, int Width)? Crop { get; init; }
    public CropMode CropMode { get; init; } = CropMode.Random;
    /// <summary>Label value of padded pixels. U2PL's Crop pads labels with 0 (its code forces it); 255 keeps padding out of the loss.</summary>
    public byte LabelPad { get; init; } = LabelImage.IgnoreIndex;
    /// <summary>iMAS's strong intensity augmentation for unlabelled images: how many ops (its num_augs), or 0 for none.</summary>
    public int IntensityOps { get; init; }

    /// <summary>U2PL's training augmentation: rescale [0.5, 2.0], flip, random crop.</summary>
    public static AugmentationOptions Training(int cropSize) => new()
    {
        RandResize = (0.5, 2.0), Flip = true, Crop = (cropSize, cropSize), CropMode = CropMode.Random,
    };

    /// <summary>U2PL's validation: center crop (or the full image when cropSize is null).</summary>
    public static AugmentationOptions Validation(int? cropSize) => new()
    {
        Crop = cropSize is int c ? (c, c) : null, CropMode = CropMode.Center,
    };

    internal void Validate()
    {
        if (Mean.Length != 3 || Std.Length != 3) throw new ArgumentException("mean and std need 3 values (RGB)");
        if (Std.Any(s => s <= 0)) throw new ArgumentException("std values must be positive");
        if (RandResize is { } r && !(r.Min > 0 && r.Min <= 1 && r.Max >= 1)) throw new ArgumentException($"rand_resize [{r.Min}, {r.Max}] must contain 1 and be positive");
        if (Crop is { } c && (c.Height < 1 || c.Width < 1)) throw new ArgumentException($"crop size {c.Height}x{c.Width} must be positive");
        if (IntensityOps < 0) throw new ArgumentException("IntensityOps must be >= 0");
    }
}
