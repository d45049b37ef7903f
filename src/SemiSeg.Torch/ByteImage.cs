namespace SemiSeg.Torch;

/// <summary>
/// An 8-bit image in managed memory: Height x Width x Channels bytes, row-major, RGB order for
/// colour. Data-loader workers pass these between threads; tensors are made on the training thread.
/// </summary>
public sealed class ByteImage
{
    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    public ByteImage(int height, int width, int channels, byte[]? pixels = null)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"image size {height}x{width} must be positive");
        if (channels < 1 || channels > 4) throw new ArgumentException($"an image has 1 to 4 channels, not {channels}");
        Height = height;
        Width = width;
        Channels = channels;
        Pixels = pixels ?? new byte[(long)height * width * channels];
        if (Pixels.Length != (long)height * width * channels)
            throw new ArgumentException($"{height}x{width}x{channels} image needs {(long)height * width * channels} bytes, got {Pixels.Length}");
    }

    /// <summary>A single-channel image filled with one value.</summary>
    public static ByteImage Filled(int height, int width, byte value)
    {
        var image = new ByteImage(height, width, 1);
        Array.Fill(image.Pixels, value);
        return image;
    }

    public byte this[int y, int x, int c = 0]
    {
        get => Pixels[((long)y * Width + x) * Channels + c];
        set => Pixels[((long)y * Width + x) * Channels + c] = value;
    }

    public ByteImage Clone() => new(Height, Width, Channels, (byte[])Pixels.Clone());

    public bool SameSize(ByteImage other) => Height == other.Height && Width == other.Width;

    public override string ToString() => $"ByteImage({Height}x{Width}x{Channels})";
}
