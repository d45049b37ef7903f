using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// iMAS's strong_img_aug: applies <c>num_augs</c> operations drawn with replacement from its list of
/// twelve, each with a magnitude drawn in its range and scaled by <c>modifier</c> (iMAS's loader
/// passes 0.999; with flag_map_random the draw is uniform).
/// </summary>
public static class IntensityAugment
{
    public const double DefaultModifier = 0.999;
    private static readonly IntensityOp[] Ops = Enum.GetValues<IntensityOp>();

    public static ByteImage Apply(ByteImage image, int count, DeterministicRandom random, double modifier = DefaultModifier)
    {
        if (modifier < 0 || modifier > 1) throw new ArgumentOutOfRangeException(nameof(modifier), modifier, "must be in [0, 1]");
        for (var i = 0; i < count; i++)
            image = Apply(image, Ops[random.NextInt(Ops.Length)], random, modifier);
        return image;
    }

    /// <summary>One operation with its magnitude drawn as img_aug_* does (ranges of augment_list()).</summary>
    public static ByteImage Apply(ByteImage image, IntensityOp op, DeterministicRandom random, double modifier = DefaultModifier)
    {
        // Enhancement factors: v = max - (max - min) * u * modifier over [0.1, 0.95]; 1 would be identity.
        double Factor() => 0.95 - (0.95 - 0.1) * random.NextDouble() * modifier;
        switch (op)
        {
            case IntensityOp.Identity: return image;
            case IntensityOp.AutoContrast: return IntensityOps.AutoContrast(image);
            case IntensityOp.Equalize: return IntensityOps.Equalize(image);
            case IntensityOp.Invert: return IntensityOps.Invert(image);
            case IntensityOp.Blur: return IntensityOps.Blur(image, 0.1 + (2.0 - 0.1) * random.NextDouble() * modifier);
            case IntensityOp.Contrast: return IntensityOps.Contrast(image, Factor());
            case IntensityOp.Brightness: return IntensityOps.Brightness(image, Factor());
            case IntensityOp.Color: return IntensityOps.Color(image, Factor());
            case IntensityOp.Sharpness: return IntensityOps.Sharpness(image, Factor());
            case IntensityOp.Posterize:
            {
                var v = Math.Max(1, (int)Math.Ceiling((8 - 4) * random.NextDouble() * modifier));
                return IntensityOps.Posterize(image, 8 - v);
            }
            case IntensityOp.Solarize:
            {
                var v = (int)Math.Ceiling((256 - 1) * random.NextDouble() * modifier);
                return IntensityOps.Solarize(image, Math.Clamp(256 - v, 1, 256));
            }
            case IntensityOp.Hue:
            {
                var v = 0.5 * random.NextDouble() * modifier;
                var factor = random.NextDouble() < 0.5 ? -v : v;
                return IntensityOps.Hue(image, unchecked((byte)(int)(factor * 255)));
            }
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }
}
