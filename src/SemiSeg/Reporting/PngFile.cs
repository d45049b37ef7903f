using System.Runtime.InteropServices;

namespace SemiSeg.Reporting;

/// <summary>
/// PNG files through the native layer's OpenCV codecs (ss_image_write / ss_image_read). A small
/// private stand-in until the binding's public image-file wrapper is merged; it binds the same
/// library, which the build copies beside the program.
/// </summary>
internal static unsafe partial class PngFile
{
    private const string Library = "semiseg_native";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool ss_image_write(string path, byte* data, int height, int width, int channels);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool ss_image_read(string path, int mode, out IntPtr data, out int height, out int width, out int channels);

    [LibraryImport(Library)] private static partial IntPtr ss_last_error();
    [LibraryImport(Library)] private static partial void ss_free(IntPtr p);

    /// <summary>Writes an RGB picture losslessly; the directory must exist.</summary>
    public static void Write(string path, RgbImage image)
    {
        fixed (byte* p = image.Pixels)
            if (!ss_image_write(path, p, image.Height, image.Width, 3)) throw new IOException(LastError(path));
    }

    /// <summary>Reads an image file as RGB (grey files are expanded to three channels).</summary>
    public static RgbImage Read(string path)
    {
        if (!ss_image_read(path, 0, out var data, out var height, out var width, out var channels))
            throw new IOException(LastError(path));
        try
        {
            if (channels != 3) throw new IOException($"{path}: expected 3 channels after decoding, got {channels}");
            var image = new RgbImage(height, width);
            Marshal.Copy(data, image.Pixels, 0, image.Pixels.Length);
            return image;
        }
        finally
        {
            ss_free(data);
        }
    }

    private static string LastError(string path)
    {
        var message = ss_last_error();
        return message == IntPtr.Zero ? $"{path}: image call failed without a message" : Marshal.PtrToStringUTF8(message)!;
    }
}
