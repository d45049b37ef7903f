using SemiSeg.Torch;
using System.Buffers.Binary;
using System.IO.Compression;

namespace SemiSeg.Data;

/// <summary>
/// The pixel indices of an indexed-colour (palette) PNG, whatever its palette: what PIL's P mode gives
/// the official loaders, where OpenCV expands the indices to colours. A label file stores the class as
/// the index, so reading the indices needs no palette table (VOC's or any other).
/// </summary>
public static class PaletteIndices
{
    private static readonly byte[] Signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    private const int ColourTypeIndexed = 3;

    /// <summary>
    /// True and the indices (one channel) when <paramref name="path"/> is a non-interlaced palette PNG;
    /// false for any other image (read it with OpenCV).
    /// </summary>
    /// <exception cref="DatasetException">the palette PNG is damaged</exception>
    public static bool TryRead(string path, out ByteImage indices)
    {
        indices = null!;
        // The header first: other images (one-channel label PNGs, JPEGs) go to OpenCV without reading the file twice.
        var head = new byte[33];
        using (var stream = File.OpenRead(path))
            if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return false;
        if (!head.AsSpan(0, 8).SequenceEqual(Signature) || !head.AsSpan(12, 4).SequenceEqual("IHDR"u8) || head[25] != ColourTypeIndexed) return false;
        var bytes = File.ReadAllBytes(path);
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        int bitDepth = bytes[24], colourType = bytes[25], interlace = bytes[28];
        if (colourType != ColourTypeIndexed || interlace != 0) return false;   // Adam7 palette files: OpenCV's path
        if (bitDepth is not (1 or 2 or 4 or 8) || width <= 0 || height <= 0)
            throw new DatasetException(path, $"damaged palette PNG header (bit depth {bitDepth}, {width} x {height})");

        var stride = (width * bitDepth + 7) / 8;
        var rows = new byte[(long)height * (stride + 1)];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(ImageData(path, bytes)), CompressionMode.Decompress);
            zlib.ReadExactly(rows);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DatasetException(path, $"damaged palette PNG image data ({e.Message})", e);
        }
        indices = new ByteImage(height, width, 1, Unpack(path, rows, height, width, stride, bitDepth));
        return true;
    }

    /// <summary>The IDAT chunks' bytes, concatenated.</summary>
    private static byte[] ImageData(string path, byte[] bytes)
    {
        var data = new MemoryStream();
        for (var at = 8; at + 8 <= bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            if (length < 0 || at + 12L + length > bytes.Length) throw new DatasetException(path, "damaged PNG chunk");
            var type = bytes.AsSpan(at + 4, 4);
            if (type.SequenceEqual("IDAT"u8)) data.Write(bytes, at + 8, length);
            if (type.SequenceEqual("IEND"u8)) break;
            at += 12 + length;
        }
        return data.ToArray();
    }

    /// <summary>Undoes each row's filter (PNG spec section 9; one byte per pixel step for indexed images), then unpacks bit depths below 8.</summary>
    private static byte[] Unpack(string path, byte[] rows, int height, int width, int stride, int bitDepth)
    {
        var previous = new byte[stride];
        var current = new byte[stride];
        var pixels = new byte[(long)height * width];
        for (var y = 0; y < height; y++)
        {
            var row = rows.AsSpan(y * (stride + 1), stride + 1);
            var filter = row[0];
            for (var x = 0; x < stride; x++)
            {
                int a = x > 0 ? current[x - 1] : 0, b = previous[x], c = x > 0 ? previous[x - 1] : 0;
                current[x] = (byte)(row[x + 1] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new DatasetException(path, $"damaged PNG: row {y} has filter type {filter}"),
                });
            }
            var perByte = 8 / bitDepth;
            var mask = (1 << bitDepth) - 1;
            for (var x = 0; x < width; x++)
                pixels[(long)y * width + x] = bitDepth == 8 ? current[x]
                    : (byte)((current[x / perByte] >> (8 - bitDepth * (x % perByte + 1))) & mask);
            (previous, current) = (current, previous);
        }
        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
