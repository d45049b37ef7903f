using System.Buffers.Binary;
using System.IO.Compression;

namespace SemiSeg.Data;

/// <summary>
/// Fashion-MNIST garments from the gzipped IDX files (Debian's dataset-fashion-mnist installs them
/// in /usr/share/datasets/fashion-mnist): 28x28 grey glyphs, white garment on black, and labels 0-9.
/// </summary>
public sealed class FashionMnist
{
    public const int GlyphSize = 28;
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>Count x 28 x 28 bytes.</summary>
    public byte[] Glyphs { get; }
    public byte[] Labels { get; }
    public int Count => Labels.Length;

    public FashionMnist(byte[] glyphs, byte[] labels)
    {
        if (glyphs.Length != labels.Length * GlyphSize * GlyphSize)
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * GlyphSize * GlyphSize} glyph bytes, got {glyphs.Length}");
        if (labels.Any(l => l >= ClassNames.Count)) throw new ArgumentException("Fashion-MNIST labels are 0-9");
        Glyphs = glyphs; Labels = labels;
    }

    public ReadOnlySpan<byte> Glyph(int index) => Glyphs.AsSpan(index * GlyphSize * GlyphSize, GlyphSize * GlyphSize);

    /// <summary>The 60,000 training garments (train = true) or the 10,000 test garments.</summary>
    public static FashionMnist Load(bool train, string directory = DefaultDirectory)
    {
        var prefix = train ? "train" : "t10k";
        return Load(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"));
    }

    public static FashionMnist Load(string imagesPath, string labelsPath)
    {
        var images = ReadIdx(imagesPath, 0x0803, out var imageDims);
        var labels = ReadIdx(labelsPath, 0x0801, out var labelDims);
        if (imageDims[1] != GlyphSize || imageDims[2] != GlyphSize)
            throw new DatasetException(imagesPath, $"images are {imageDims[1]}x{imageDims[2]}, expected {GlyphSize}x{GlyphSize}");
        if (imageDims[0] != labelDims[0])
            throw new DatasetException(labelsPath, $"{labelDims[0]} labels for {imageDims[0]} images in {imagesPath}");
        try { return new FashionMnist(images, labels); }
        catch (ArgumentException e) { throw new DatasetException(labelsPath, e.Message); }
    }

    /// <summary>Reads a gzipped IDX file of unsigned bytes: magic (0x08 type, dimension count), big-endian sizes, data.</summary>
    private static byte[] ReadIdx(string path, int magic, out int[] dims)
    {
        if (!File.Exists(path)) throw new DatasetException(path, "file does not exist (install Debian's dataset-fashion-mnist)");
        try
        {
            using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            Span<byte> word = stackalloc byte[4];
            stream.ReadExactly(word);
            var found = BinaryPrimitives.ReadInt32BigEndian(word);
            if (found != magic) throw new DatasetException(path, $"IDX magic 0x{found:X8}, expected 0x{magic:X8}");
            dims = new int[magic & 0xFF];
            for (var i = 0; i < dims.Length; i++) { stream.ReadExactly(word); dims[i] = BinaryPrimitives.ReadInt32BigEndian(word); }
            var data = new byte[dims.Aggregate(1L, (a, d) => a * d)];
            stream.ReadExactly(data);
            return data;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new DatasetException(path, $"truncated or corrupt IDX file ({e.Message})", e);
        }
    }
}
