namespace SemiSeg.Reporting;

/// <summary>
/// The report's pictures as PNG files, through the binding's <see cref="ImageFile"/> (OpenCV in the
/// native layer). A failure is an <see cref="IOException"/> naming the file, as the report's other
/// file errors are.
/// </summary>
internal static class PngFile
{
    /// <summary>Writes an RGB picture losslessly; the directory must exist.</summary>
    public static void Write(string path, RgbImage image)
    {
        try
        {
            ImageFile.Write(path, new ByteImage(image.Height, image.Width, 3, image.Pixels));
        }
        catch (TorchException e)
        {
            throw new IOException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads an image file as RGB (grey files are expanded to three channels).</summary>
    public static RgbImage Read(string path)
    {
        ByteImage image;
        try
        {
            image = ImageFile.Read(path, ImageReadMode.Color);
        }
        catch (TorchException e)
        {
            throw new IOException($"{path}: {e.Message}", e);
        }
        if (image.Channels != 3) throw new IOException($"{path}: expected 3 channels after decoding, got {image.Channels}");
        return new RgbImage(image.Height, image.Width, image.Pixels);
    }
}
