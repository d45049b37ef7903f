namespace SemiSeg.Reporting;

/// <summary>
/// Colours for label maps: the PASCAL VOC colour map (256 entries, reused by FashionScenes and
/// the other datasets), with the ignore label drawn as a light hatch so it reads as "no label"
/// rather than as a class.
/// </summary>
public static class LabelPalette
{
    /// <summary>The label of pixels without ground truth (VOC borders, padding, dropped pseudo-labels).</summary>
    public const int IgnoreIndex = 255;

    /// <summary>Background of the ignore hatch.</summary>
    public static readonly Rgb IgnoreColor = Rgb.White;

    /// <summary>The hatch lines over ignored pixels: every fourth diagonal, x + y = 0 (mod 4).</summary>
    public static readonly Rgb HatchColor = new(190, 190, 190);

    private static readonly Rgb[] Colors = Build();

    // The VOC colour map, shared with the dataset readers.
    private static Rgb[] Build()
    {
        var colors = new Rgb[256];
        for (var label = 0; label < 256; label++)
        {
            var (r, g, b) = Data.VocPalette.ColorOf(label);
            colors[label] = new Rgb(r, g, b);
        }
        return colors;
    }

    /// <summary>The VOC colour of a label in 0..255 (255 itself is VOC's border colour, (224, 224, 192)).</summary>
    public static Rgb ColorOf(int label) =>
        (uint)label < 256 ? Colors[label] : throw new ArgumentOutOfRangeException(nameof(label), label, "labels are 0..255");

    /// <summary>The colour drawn at (x, y) for an ignored pixel: the hatch pattern.</summary>
    public static Rgb IgnoreAt(int x, int y) => (x + y) % 4 == 0 ? HatchColor : IgnoreColor;

    /// <summary>A label map (H*W labels, row-major) in palette colours; <see cref="IgnoreIndex"/> is hatched.</summary>
    public static RgbImage Colorize(ReadOnlySpan<int> labels, int height, int width)
    {
        CheckLength(labels.Length, height, width, "labels");
        var image = new RgbImage(height, width);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var label = labels[y * width + x];
                if (label == IgnoreIndex) image[y, x] = IgnoreAt(x, y);
                else if ((uint)label < 256) image[y, x] = Colors[label];
                else throw new ArgumentException($"label {label} at pixel ({y}, {x}) is outside 0..255");
            }
        return image;
    }

    /// <summary>
    /// The picture with the label colours laid over it at <paramref name="opacity"/>; ignored
    /// pixels keep the picture as it is.
    /// </summary>
    public static RgbImage Overlay(RgbImage image, ReadOnlySpan<int> labels, double opacity = 0.5)
    {
        CheckLength(labels.Length, image.Height, image.Width, "labels");
        if (!(opacity >= 0 && opacity <= 1)) throw new ArgumentOutOfRangeException(nameof(opacity), opacity, "opacity is in [0, 1]");
        var result = new RgbImage(image.Height, image.Width, (byte[])image.Pixels.Clone());
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
            {
                var label = labels[y * image.Width + x];
                if (label == IgnoreIndex) continue;
                result[y, x] = image[y, x].Mix(ColorOf(label), opacity);
            }
        return result;
    }

    internal static void CheckLength(int length, int height, int width, string what)
    {
        if (length != (long)height * width)
            throw new ArgumentException($"{what} has {length} values; a {height}x{width} map needs {(long)height * width}");
    }
}
