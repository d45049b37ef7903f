using System.Buffers.Binary;
using System.IO.Compression;

namespace SemiSeg.Tests.Data;

/// <summary>
/// Writes 8-bit palette PNGs (colour type 3) like VOC's SegmentationClass files; OpenCV cannot
/// write them, and the fixtures must have the real format.
/// </summary>
public static class PalettePng
{
    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>
    /// Writes <paramref name="indices"/> (one byte per pixel) as a palette PNG of <paramref name="bitDepth"/>
    /// bits per pixel (1, 2, 4 or 8), every row with PNG filter type <paramref name="filter"/> (0-4), or
    /// the rows cycling through all five when it is -1.
    /// </summary>
    public static void Write(string path, byte[] indices, int height, int width, ReadOnlySpan<byte> paletteRgb, int bitDepth = 8, int filter = 0)
    {
        using var file = File.Create(path);
        file.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth; header[9] = 3;  // indexed colour
        Chunk(file, "IHDR", header);
        Chunk(file, "PLTE", paletteRgb.ToArray());
        var stride = (width * bitDepth + 7) / 8;
        var raw = new MemoryStream();
        var previous = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var row = new byte[stride];
            var perByte = 8 / bitDepth;
            for (var x = 0; x < width; x++)
                row[x / perByte] |= (byte)(indices[y * width + x] << (8 - bitDepth * (x % perByte + 1)));
            var type = filter >= 0 ? filter : y % 5;
            raw.WriteByte((byte)type);
            for (var x = 0; x < stride; x++)
            {
                int a = x > 0 ? row[x - 1] : 0, b = previous[x], c = x > 0 ? previous[x - 1] : 0;
                var predicted = type switch { 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c), _ => 0 };
                raw.WriteByte((byte)(row[x] - predicted));
            }
            previous = row;
        }
        var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(zlib);
        Chunk(file, "IDAT", packed.ToArray());
        Chunk(file, "IEND", Array.Empty<byte>());
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        var crc = 0xFFFFFFFFu;
        foreach (var b in typed) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc ^ 0xFFFFFFFFu);
        stream.Write(word);
    }
}
