namespace SemiSeg.Torch;

/// <summary>How <see cref="ImageFile.Read"/> decodes (the codes of ss_image_read).</summary>
public enum ImageReadMode
{
    /// <summary>Three channels, RGB.</summary>
    Color = 0,
    /// <summary>One channel (colour images are converted).</summary>
    Grayscale = 1,
    /// <summary>As stored; OpenCV expands palette PNGs to colours.</summary>
    Unchanged = 2,
}
