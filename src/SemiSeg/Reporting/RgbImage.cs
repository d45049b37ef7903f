namespace SemiSeg.Reporting;

/// <summary>
/// An RGB picture in managed memory: Height x Width x 3 bytes, row-major. The currency of the
/// report's pictures, so that nothing here needs a model or a tensor.
/// </summary>
public sealed class RgbImage
{
    public int Height { get; }
    public int Width { get; }
    public byte[] Pixels { get; }

    public RgbImage(int height, int width, byte[]? pixels = null)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"image size {height}x{width} must be positive");
        Height = height;
        Width = width;
        Pixels = pixels ?? new byte[checked(height * width * 3)];
        if (Pixels.Length != (long)height * width * 3)
            throw new ArgumentException($"a {height}x{width} RGB image needs {(long)height * width * 3} bytes, got {Pixels.Length}");
    }

    /// <summary>A picture filled with one colour.</summary>
    public static RgbImage Filled(int height, int width, Rgb color)
    {
        var image = new RgbImage(height, width);
        image.FillRect(0, 0, width, height, color);
        return image;
    }

    /// <summary>
    /// Undoes the data pipeline's normalisation: channel-first floats (3, H, W) holding
    /// (pixel - mean) / std, with mean and std on the 0-255 scale, back to bytes.
    /// </summary>
    public static RgbImage FromNormalized(ReadOnlySpan<float> chw, int height, int width, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        if (mean.Count != 3 || std.Count != 3) throw new ArgumentException("mean and std need 3 values (RGB)");
        if (chw.Length != 3L * height * width)
            throw new ArgumentException($"a (3, {height}, {width}) image needs {3L * height * width} floats, got {chw.Length}");
        var image = new RgbImage(height, width);
        var plane = height * width;
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < plane; i++)
                image.Pixels[i * 3 + c] = (byte)Math.Clamp(Math.Round(chw[c * plane + i] * std[c] + mean[c]), 0, 255);
        return image;
    }

    public Rgb this[int y, int x]
    {
        get { var i = Offset(y, x); return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]); }
        set { var i = Offset(y, x); Pixels[i] = value.R; Pixels[i + 1] = value.G; Pixels[i + 2] = value.B; }
    }

    /// <summary>Sets one pixel; points outside the picture are ignored, so drawing code need not clip.</summary>
    public void Plot(int x, int y, Rgb color)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height) this[y, x] = color;
    }

    /// <summary>Fills a rectangle, clipped to the picture.</summary>
    public void FillRect(int x, int y, int width, int height, Rgb color)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
        for (var row = y0; row < y1; row++)
            for (var col = x0; col < x1; col++) this[row, col] = color;
    }

    /// <summary>Copies <paramref name="source"/> with its top-left corner at (x, y), clipped.</summary>
    public void Paste(RgbImage source, int x, int y)
    {
        for (var row = 0; row < source.Height; row++)
        {
            var target = y + row;
            if ((uint)target >= (uint)Height) continue;
            for (var col = 0; col < source.Width; col++) Plot(x + col, target, source[row, col]);
        }
    }

    /// <summary>Enlarged by a whole factor with nearest-neighbour sampling (label maps stay crisp).</summary>
    public RgbImage Enlarged(int factor)
    {
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be >= 1");
        if (factor == 1) return this;
        var result = new RgbImage(Height * factor, Width * factor);
        for (var y = 0; y < result.Height; y++)
            for (var x = 0; x < result.Width; x++) result[y, x] = this[y / factor, x / factor];
        return result;
    }

    private int Offset(int y, int x)
    {
        if ((uint)y >= (uint)Height || (uint)x >= (uint)Width)
            throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({y}, {x}) is outside the {Height}x{Width} image");
        return (y * Width + x) * 3;
    }
}
