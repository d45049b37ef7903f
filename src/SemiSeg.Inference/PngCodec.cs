using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SemiSeg.Inference;

/// <summary>
/// The PNG subset the library needs, on the base library's zlib (no image package): reading 8-bit
/// non-interlaced grey, grey+alpha, palette, RGB and RGBA images (PNG spec, ISO/IEC 15948, sections
/// 11 and 9 for the five row filters), and writing 8-bit greyscale label maps.
/// </summary>
internal static class PngCodec
{
    private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };

    public static RgbImage Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such image", path);
        try
        {
            return Decode(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static RgbImage Decode(byte[] file)
    {
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException("not a PNG file (only PNG is read)");
        int width = 0, height = 0, colourType = -1;
        byte[]? palette = null;
        using var compressed = new MemoryStream();
        for (var at = 8; at + 8 <= file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = Encoding.ASCII.GetString(file, at + 4, 4);
            if (length < 0 || at + 12 + length > file.Length) throw new InvalidDataException($"truncated {type} chunk");
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                (var depth, colourType, var interlace) = (data[8], data[9], data[12]);
                if (depth != 8) throw new InvalidDataException($"bit depth {depth}: only 8-bit PNGs are read");
                if (interlace != 0) throw new InvalidDataException("interlaced PNGs are not read");
            }
            else if (type == "PLTE") palette = data.ToArray();
            else if (type == "IDAT") compressed.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        var channels = colourType switch
        {
            0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4,
            _ => throw new InvalidDataException($"colour type {colourType} is not a PNG colour type"),
        };
        if (width <= 0 || height <= 0) throw new InvalidDataException("no IHDR chunk or an empty image");
        var raw = Unfilter(Inflate(compressed.ToArray()), height, width, channels);
        return new RgbImage(height, width, ToRgb(raw, colourType, channels, palette));
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Undoes the per-row filters in place of a copy: None, Sub, Up, Average, Paeth.</summary>
    private static byte[] Unfilter(byte[] data, int height, int width, int bpp)
    {
        var stride = width * bpp;
        if (data.Length < (long)height * (stride + 1)) throw new InvalidDataException("image data shorter than the header says");
        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = data[y * (stride + 1)];
            var source = data.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var up = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
                var predictor = filter switch
                {
                    0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"row {y}: unknown filter {filter}"),
                };
                row[i] = (byte)(source[i] + predictor);
            }
        }
        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte[] ToRgb(byte[] raw, int colourType, int channels, byte[]? palette)
    {
        var count = raw.Length / channels;
        var rgb = new byte[count * 3];
        for (var i = 0; i < count; i++)
        {
            var s = i * channels;
            for (var c = 0; c < 3; c++)
                rgb[i * 3 + c] = colourType switch
                {
                    0 or 4 => raw[s],
                    3 => palette is not null && raw[s] * 3 + 2 < palette.Length ? palette[raw[s] * 3 + c]
                        : throw new InvalidDataException($"palette index {raw[s]} outside the PLTE chunk"),
                    _ => raw[s + c],
                };
        }
        return rgb;
    }

    /// <summary>Writes an 8-bit greyscale PNG (filter None on every row), via a temp file and a rename.</summary>
    public static void WriteGray(string path, int height, int width, byte[] pixels)
    {
        using var rows = new MemoryStream();
        using (var z = new ZLibStream(rows, CompressionLevel.Optimal, leaveOpen: true))
            for (var y = 0; y < height; y++)
            {
                z.WriteByte(0);
                z.Write(pixels, y * width, width);
            }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                                   // bit depth; colour type 0 (grey), no interlace
        var temp = path + ".tmp";
        using (var file = File.Create(temp))
        {
            file.Write(Signature);
            WriteChunk(file, "IHDR", header);
            WriteChunk(file, "IDAT", rows.ToArray());
            WriteChunk(file, "IEND", Array.Empty<byte>());
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeBytes, data));
        stream.Write(word);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of a chunk's type and data (PNG spec annex D).</summary>
    private static uint Crc32(byte[] type, byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in type.Concat(data)) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }
}
