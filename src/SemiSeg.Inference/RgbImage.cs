namespace SemiSeg.Inference;

/// <summary>An 8-bit RGB image, rows top to bottom, pixels interleaved (R, G, B): <c>Pixels[(y * Width + x) * 3 + c]</c>.</summary>
public sealed class RgbImage
{
    public int Height { get; }
    public int Width { get; }
    public byte[] Pixels { get; }

    public RgbImage(int height, int width, byte[] pixels)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"image size {height}x{width}: both must be positive");
        if (pixels.Length != (long)height * width * 3)
            throw new ArgumentException($"a {height}x{width} RGB image has {(long)height * width * 3} bytes, got {pixels.Length}", nameof(pixels));
        (Height, Width, Pixels) = (height, width, pixels);
    }

    /// <summary>Reads a PNG file (8-bit grey, grey+alpha, RGB or RGBA; alpha is dropped).</summary>
    public static RgbImage Load(string path) => PngCodec.Read(path);
}
