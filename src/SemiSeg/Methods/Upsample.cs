namespace SemiSeg.Methods;

/// <summary>
/// Logits at the decoder's resolution to the label size, as every official step does: bilinear
/// with align_corners=True.
/// </summary>
internal static class Upsample
{
    public static Tensor ToLabels(Tensor logits, long height, long width) =>
        logits.Size(2) == height && logits.Size(3) == width
            ? logits.Alias()
            : F.Interpolate(logits, height, width, InterpolationMode.Bilinear, alignCorners: true);
}
