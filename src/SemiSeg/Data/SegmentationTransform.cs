using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// The per-sample pipeline in U2PL's order: random rescale, Gaussian blur, horizontal flip, crop
/// with padding, normalisation (then, for unlabelled images with iMAS, a strong intensity copy).
/// Every random choice comes from the <see cref="DeterministicRandom"/> passed in, so a sample's
/// result depends only on that generator's seed.
/// </summary>
public sealed class SegmentationTransform
{
    private readonly AugmentationOptions options;
    private readonly byte[] meanBytes;

    public SegmentationTransform(AugmentationOptions options)
    {
        options.Validate();
        this.options = options;
        meanBytes = options.Mean.Select(m => (byte)Math.Clamp(Math.Round(m), 0, 255)).ToArray();
    }

    public AugmentationOptions Options => options;

    /// <summary>U2PL's RandResize draw: half the time in [min, 1), half in [1, max).</summary>
    public static double DrawScale(DeterministicRandom random, double min, double max) =>
        random.NextDouble() < 0.5 ? min + (1.0 - min) * random.NextDouble() : 1.0 + (max - 1.0) * random.NextDouble();

    public AugmentedSample Apply(SegmentationSample sample, DeterministicRandom random, bool strong = false)
    {
        var (image, label) = (sample.Image, sample.Label);
        if (image.Channels != 3) throw new ArgumentException($"{sample.Id}: expected an RGB image, got {image.Channels} channels");
        if (options.RandResize is { } range)
            (image, label) = PairedOps.Rescale(image, label, DrawScale(random, range.Min, range.Max));
        if (options.GaussianBlur && random.NextDouble() < 0.5)
            image = GaussianBlur.Apply(image, options.Mean);
        if (options.Flip && random.NextDouble() < 0.5)
        {
            if (ReferenceEquals(image, sample.Image)) image = image.Clone();
            if (ReferenceEquals(label, sample.Label)) label = label.Clone();
            PairedOps.FlipHorizontal(image, label);
        }
        var content = new ContentRect(0, 0, image.Height, image.Width);
        if (options.Crop is { } crop)
        {
            var (maxY, maxX) = PairedOps.MaxOffsets(image.Height, image.Width, crop.Height, crop.Width);
            var (offsetY, offsetX) = options.CropMode == CropMode.Random
                ? (random.NextInt(maxY + 1), random.NextInt(maxX + 1))
                : (maxY / 2, maxX / 2);
            (image, label, content) = PairedOps.Crop(image, label, crop.Height, crop.Width, offsetY, offsetX, meanBytes, options.LabelPad);
        }
        float[]? strongImage = null;
        if (strong && options.IntensityOps > 0)
            strongImage = Normalize(IntensityAugment.Apply(image, options.IntensityOps, random), content);
        return new AugmentedSample(sample.Id, image.Height, image.Width, Normalize(image, content), label.Pixels, strongImage);
    }

    /// <summary>(pixel - mean) / std into C x H x W floats; padding (outside the content) is exactly 0.</summary>
    private float[] Normalize(ByteImage image, ContentRect content)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        var result = new float[3 * plane];
        Span<float> lookup = stackalloc float[3 * 256];
        for (var c = 0; c < 3; c++)
            for (var v = 0; v < 256; v++) lookup[c * 256 + v] = (float)((v - options.Mean[c]) / options.Std[c]);
        var pixels = image.Pixels;
        for (var y = content.Top; y < content.Top + content.Height; y++)
            for (var x = content.Left; x < content.Left + content.Width; x++)
            {
                var i = y * w + x;
                result[i] = lookup[pixels[i * 3]];
                result[plane + i] = lookup[256 + pixels[i * 3 + 1]];
                result[2 * plane + i] = lookup[512 + pixels[i * 3 + 2]];
            }
        return result;
    }
}
