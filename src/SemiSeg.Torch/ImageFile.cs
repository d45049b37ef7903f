using System.Runtime.InteropServices;
using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>Image files and resizing through the native layer (OpenCV). Safe to call from worker threads.</summary>
public static class ImageFile
{
    /// <summary>Decodes an image file; a missing, truncated or non-image file throws naming the path.</summary>
    public static ByteImage Read(string path, ImageReadMode mode = ImageReadMode.Color)
    {
        if (!NativeMethods.ss_image_read(path, (int)mode, out var data, out var height, out var width, out var channels))
            throw TorchException.Last();
        try
        {
            var image = new ByteImage(height, width, channels);
            Marshal.Copy(data, image.Pixels, 0, image.Pixels.Length);
            return image;
        }
        finally
        {
            NativeMethods.ss_free(data);
        }
    }

    /// <summary>Writes a 1- or 3-channel image; the format follows the extension (.png is lossless).</summary>
    public static unsafe void Write(string path, ByteImage image)
    {
        fixed (byte* p = image.Pixels)
            TorchException.Check(NativeMethods.ss_image_write(path, p, image.Height, image.Width, image.Channels));
    }

    /// <summary>Resizes with OpenCV: bilinear (half-pixel centres, as F.interpolate with align_corners=False) or nearest.</summary>
    public static unsafe ByteImage Resize(ByteImage image, int height, int width, bool bilinear)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"cannot resize to {height}x{width}");
        var result = new ByteImage(height, width, image.Channels);
        fixed (byte* src = image.Pixels)
        fixed (byte* dst = result.Pixels)
            TorchException.Check(NativeMethods.ss_image_resize(src, image.Height, image.Width, image.Channels,
                                                               dst, height, width, bilinear ? 1 : 0));
        return result;
    }
}
