namespace SemiSeg.Inference;

/// <summary>
/// Sliding-window inference as SemiSeg's Predictor (and the official U2PL evaluation): windows of the
/// given size with stride ceil(2/3 of it), the last one flush with the end; an image smaller than a
/// window is zero-padded (after normalisation) to one; overlapping probabilities are averaged.
/// </summary>
internal static class SlidingWindow
{
    /// <summary>Per-class probabilities (C, H, W) of a normalised image (3, H, W); <paramref name="run"/> maps one (3, wh, ww) window to (C, wh, ww).</summary>
    public static float[] Average(float[] image, int height, int width, int windowHeight, int windowWidth, int classes,
                                  Func<float[], int, int, float[]> run)
    {
        var (paddedHeight, paddedWidth) = (Math.Max(height, windowHeight), Math.Max(width, windowWidth));
        var sum = new float[(long)classes * paddedHeight * paddedWidth];
        var count = new float[paddedHeight * paddedWidth];
        var window = new float[3 * windowHeight * windowWidth];
        foreach (var top in Starts(paddedHeight, windowHeight, (int)Math.Ceiling(windowHeight * 2.0 / 3)))
            foreach (var left in Starts(paddedWidth, windowWidth, (int)Math.Ceiling(windowWidth * 2.0 / 3)))
            {
                Array.Clear(window);
                for (var c = 0; c < 3; c++)
                    for (var y = 0; y < windowHeight && top + y < height; y++)
                        for (var x = 0; x < windowWidth && left + x < width; x++)
                            window[(c * windowHeight + y) * windowWidth + x] = image[((long)c * height + top + y) * width + left + x];
                var scores = run(window, windowHeight, windowWidth);
                for (var y = 0; y < windowHeight; y++)
                    for (var x = 0; x < windowWidth; x++)
                    {
                        var at = (top + y) * paddedWidth + left + x;
                        count[at]++;
                        for (var k = 0; k < classes; k++)
                            sum[(long)k * paddedHeight * paddedWidth + at] += scores[(k * windowHeight + y) * windowWidth + x];
                    }
            }
        var result = new float[(long)classes * height * width];
        for (var k = 0; k < classes; k++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var at = y * paddedWidth + x;
                    result[((long)k * height + y) * width + x] = sum[(long)k * paddedHeight * paddedWidth + at] / count[at];
                }
        return result;
    }

    /// <summary>Window starts covering [0, size) with the last window flush with the end.</summary>
    public static IEnumerable<int> Starts(int size, int window, int stride)
    {
        stride = Math.Max(1, stride);
        for (var start = 0; ; start += stride)
        {
            if (start + window >= size)
            {
                yield return Math.Max(0, size - window);
                yield break;
            }
            yield return start;
        }
    }
}
