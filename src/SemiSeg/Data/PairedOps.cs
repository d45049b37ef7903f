using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// Geometric operations that always take the image and its label together, so they stay aligned:
/// bilinear for the image and nearest for the label on the same output grid.
/// </summary>
public static class PairedOps
{
    /// <summary>Resizes both to floor(size * scale), as U2PL's RandResize (int(h * s)).</summary>
    public static (ByteImage Image, ByteImage Label) Rescale(ByteImage image, ByteImage label, double scale)
    {
        var height = Math.Max(1, (int)(image.Height * scale));
        var width = Math.Max(1, (int)(image.Width * scale));
        return (ImageFile.Resize(image, height, width, bilinear: true), ImageFile.Resize(label, height, width, bilinear: false));
    }

    /// <summary>Mirrors both left-right in place.</summary>
    public static void FlipHorizontal(ByteImage image, ByteImage label)
    {
        FlipRows(image);
        FlipRows(label);
    }

    private static void FlipRows(ByteImage image)
    {
        var c = image.Channels;
        var pixels = image.Pixels;
        for (var y = 0; y < image.Height; y++)
        {
            var row = y * image.Width * c;
            for (int left = 0, right = image.Width - 1; left < right; left++, right--)
                for (var k = 0; k < c; k++)
                    (pixels[row + left * c + k], pixels[row + right * c + k]) = (pixels[row + right * c + k], pixels[row + left * c + k]);
        }
    }

    /// <summary>
    /// Crops a height x width window. An image smaller than the window is first padded evenly
    /// (the extra pixel at the bottom/right), as U2PL's Crop; <paramref name="offsetY"/> and
    /// <paramref name="offsetX"/> index the padded image. Padded pixels get <paramref name="imagePad"/>
    /// and <paramref name="labelPad"/>; the returned rectangle is the part with real content.
    /// </summary>
    public static (ByteImage Image, ByteImage Label, ContentRect Content) Crop(
        ByteImage image, ByteImage label, int height, int width, int offsetY, int offsetX, ReadOnlySpan<byte> imagePad, byte labelPad)
    {
        var (top, left) = PadBefore(image.Height, image.Width, height, width);
        var c = image.Channels;
        var outImage = new ByteImage(height, width, c);
        var outLabel = new ByteImage(height, width, 1);
        // Source row/column of output (0, 0), and the output rows/columns that have a source.
        int sy = offsetY - top, sx = offsetX - left;
        int y0 = Math.Max(0, -sy), y1 = Math.Min(height, image.Height - sy);
        int x0 = Math.Max(0, -sx), x1 = Math.Min(width, image.Width - sx);
        for (var i = 0; i < height * width; i++)
            for (var k = 0; k < c; k++) outImage.Pixels[i * c + k] = imagePad[k];
        Array.Fill(outLabel.Pixels, labelPad);
        for (var y = y0; y < y1; y++)
        {
            Array.Copy(image.Pixels, ((y + sy) * image.Width + sx + x0) * c, outImage.Pixels, (y * width + x0) * c, (x1 - x0) * c);
            Array.Copy(label.Pixels, (y + sy) * label.Width + sx + x0, outLabel.Pixels, y * width + x0, x1 - x0);
        }
        return (outImage, outLabel, new ContentRect(y0, x0, Math.Max(0, y1 - y0), Math.Max(0, x1 - x0)));
    }

    /// <summary>Padding added above and to the left when an image is smaller than the crop.</summary>
    public static (int Top, int Left) PadBefore(int imageHeight, int imageWidth, int cropHeight, int cropWidth) =>
        (Math.Max(cropHeight - imageHeight, 0) / 2, Math.Max(cropWidth - imageWidth, 0) / 2);

    /// <summary>The largest valid crop offsets in the padded image (offsets are drawn from [0, max]).</summary>
    public static (int MaxY, int MaxX) MaxOffsets(int imageHeight, int imageWidth, int cropHeight, int cropWidth) =>
        (Math.Max(imageHeight, cropHeight) - cropHeight, Math.Max(imageWidth, cropWidth) - cropWidth);
}
