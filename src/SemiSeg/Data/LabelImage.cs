using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// Reads label images as class indices and checks their values. A single-channel PNG holds the
/// indices directly (SegmentationClassAug, Cityscapes train ids, Folder masks); so does a palette
/// (indexed-colour) PNG, whatever its palette, whose indices are read as PIL reads them for the
/// official loaders (VOC's SegmentationClass); a colour (RGB) image is mapped back through the VOC palette.
/// </summary>
public static class LabelImage
{
    public const byte IgnoreIndex = 255;

    /// <summary>Decodes a label file to one channel of class indices (not yet range-checked).</summary>
    public static ByteImage Read(string path, bool allowPaletteColors)
    {
        ImageHeader.CheckComplete(path);
        if (PaletteIndices.TryRead(path, out var indices)) return indices;
        ByteImage raw;
        try { raw = ImageFile.Read(path, ImageReadMode.Unchanged); }
        catch (TorchException e) { throw new DatasetException(path, $"unreadable or truncated label image ({e.Message.Replace(path + ": ", "")})", e); }
        if (raw.Channels == 1) return raw;
        if (!allowPaletteColors)
            throw new DatasetException(path, $"label image has {raw.Channels} channels; expected one channel of class indices");
        return FromPaletteColors(path, raw);
    }

    private static ByteImage FromPaletteColors(string path, ByteImage raw)
    {
        if (raw.Channels < 3) throw new DatasetException(path, $"label image has {raw.Channels} channels; expected 1 (indices), a palette PNG, or 3 (VOC palette colours)");
        var labels = new ByteImage(raw.Height, raw.Width, 1);
        var src = raw.Pixels;
        int lastKey = -1; byte lastIndex = 0;
        for (int i = 0, p = 0; i < labels.Pixels.Length; i++, p += raw.Channels)
        {
            var key = (src[p] << 16) | (src[p + 1] << 8) | src[p + 2];
            if (key != lastKey)
            {
                if (!VocPalette.TryIndexOf(src[p], src[p + 1], src[p + 2], out lastIndex))
                    throw new DatasetException(path, $"colour ({src[p]}, {src[p + 1]}, {src[p + 2]}) at row {i / raw.Width}, column {i % raw.Width} is not in the VOC palette");
                lastKey = key;
            }
            labels.Pixels[i] = lastIndex;
        }
        return labels;
    }

    /// <summary>Throws at the first value outside [0, numClasses) that is not the ignore value.</summary>
    public static void CheckValues(string path, ByteImage labels, int numClasses)
    {
        var pixels = labels.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            var v = pixels[i];
            if (v >= numClasses && v != IgnoreIndex)
                throw new DatasetException(path, $"label value {v} at row {i / labels.Width}, column {i % labels.Width} is outside [0, {numClasses}) and is not the ignore value {IgnoreIndex}");
        }
    }
}
