using System.Buffers.Binary;

namespace SemiSeg.Data;

/// <summary>
/// Reads an image's size from its PNG or JPEG header and checks that the file is complete, without
/// decoding it. OpenCV decodes a truncated JPEG without failing (it fills the rest with grey), so
/// completeness is checked here: a PNG must end with its IEND chunk, a JPEG with the EOI marker.
/// </summary>
public static class ImageHeader
{
    private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    private static readonly byte[] PngEnd = { 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 };

    /// <summary>Height and width from the header, or null for a format other than PNG and JPEG.</summary>
    /// <exception cref="DatasetException">the file is a PNG or JPEG whose header is damaged</exception>
    public static (int Height, int Width)? ReadSize(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[24];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 24 && head[..8].SequenceEqual(PngSignature))
        {
            if (!head.Slice(12, 4).SequenceEqual("IHDR"u8)) throw new DatasetException(path, "damaged PNG header (no IHDR chunk)");
            return (BinaryPrimitives.ReadInt32BigEndian(head.Slice(20, 4)), BinaryPrimitives.ReadInt32BigEndian(head.Slice(16, 4)));
        }
        if (n >= 2 && head[0] == 0xFF && head[1] == 0xD8) return ReadJpegSize(path, stream);
        return null;
    }

    private static (int, int) ReadJpegSize(string path, FileStream stream)
    {
        stream.Position = 2;
        Span<byte> segment = stackalloc byte[7];
        while (true)
        {
            int marker;
            do { marker = stream.ReadByte(); } while (marker == 0xFF);  // fill bytes
            if (marker < 0) break;
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
            if (marker == 0xD9 || marker == 0xDA) break;  // end of image or start of scan before any frame header
            if (stream.ReadAtLeast(segment[..2], 2, false) < 2) break;
            var length = BinaryPrimitives.ReadUInt16BigEndian(segment);
            var isFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (isFrame)
            {
                if (stream.ReadAtLeast(segment[2..7], 5, false) < 5) break;
                return (BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(3, 2)), BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(5, 2)));
            }
            stream.Position += length - 2;
            // Each segment's marker must follow directly.
            if (stream.ReadByte() != 0xFF) break;
            stream.Position -= 1;
        }
        throw new DatasetException(path, "damaged JPEG header (no frame header with the image size)");
    }

    /// <summary>Throws when a PNG or JPEG file is truncated; other formats are left to the decoder.</summary>
    public static void CheckComplete(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, "file does not exist");
        using var stream = File.OpenRead(path);
        if (stream.Length < 8) throw new DatasetException(path, $"truncated or not an image ({stream.Length} bytes)");
        Span<byte> head = stackalloc byte[8];
        stream.ReadExactly(head);
        var tailLength = (int)Math.Min(stream.Length, 64);
        var tail = new byte[tailLength];
        stream.Position = stream.Length - tailLength;
        stream.ReadExactly(tail);
        if (head.SequenceEqual(PngSignature))
        {
            if (!tail.AsSpan().EndsWith(PngEnd)) throw new DatasetException(path, "truncated PNG (the file does not end with its IEND chunk)");
        }
        else if (head[0] == 0xFF && head[1] == 0xD8)
        {
            // Some writers pad after the end marker; allow trailing zero and whitespace bytes.
            var end = tail.Length;
            while (end > 0 && tail[end - 1] is 0x00 or 0x0A or 0x0D or 0x20) end--;
            if (end < 2 || tail[end - 2] != 0xFF || tail[end - 1] != 0xD9)
                throw new DatasetException(path, "truncated JPEG (the file does not end with the end-of-image marker)");
        }
    }
}
