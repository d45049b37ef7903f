using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// U2PL's GaussianBlur (radius 2): a 5x5 depthwise kernel made by scipy's gaussian_filter of a
/// centred impulse with sigma = 0.3 (radius - 1) + 0.8, applied as a zero-padded convolution on the
/// normalised image, i.e. with the mean colour outside the border.
/// </summary>
public static class GaussianBlur
{
    public const int Radius = 2;
    public static readonly double Sigma = 0.3 * (Radius - 1) + 0.8;

    /// <summary>The separable 1D factor of U2PL's kernel (the 2D kernel is its outer product).</summary>
    public static IReadOnlyList<double> Kernel1D { get; } = BuildKernel();

    private static double[] BuildKernel()
    {
        // scipy: a truncated Gaussian (4 sigma) correlated with a length-5 impulse in 'reflect' mode,
        // so the tails that fall outside fold back onto the 5 taps.
        var size = 2 * Radius + 1;
        var tail = (int)(4.0 * Sigma + 0.5);
        var weights = Enumerable.Range(-tail, 2 * tail + 1).Select(j => Math.Exp(-0.5 * j * j / (Sigma * Sigma))).ToArray();
        var total = weights.Sum();
        var kernel = new double[size];
        for (var i = 0; i < size; i++)
            for (var j = -tail; j <= tail; j++)
            {
                var k = i + j;
                if (k < 0) k = -k - 1;
                else if (k >= size) k = 2 * size - 1 - k;
                if (k == Radius) kernel[i] += weights[j + tail] / total;
            }
        return kernel;
    }

    /// <summary>Blurs an RGB image; <paramref name="border"/> is the colour assumed outside it (the mean).</summary>
    public static ByteImage Apply(ByteImage image, ReadOnlySpan<double> border)
    {
        int h = image.Height, w = image.Width, c = image.Channels;
        var k = Kernel1D;
        var rows = new double[h * w * c];
        // Horizontal pass, then vertical: the kernel is separable.
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var ch = 0; ch < c; ch++)
                {
                    double sum = 0;
                    for (var t = -Radius; t <= Radius; t++)
                    {
                        var xx = x + t;
                        sum += k[t + Radius] * (xx < 0 || xx >= w ? border[ch] : image.Pixels[(y * w + xx) * c + ch]);
                    }
                    rows[(y * w + x) * c + ch] = sum;
                }
        var result = new ByteImage(h, w, c);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var ch = 0; ch < c; ch++)
                {
                    double sum = 0;
                    for (var t = -Radius; t <= Radius; t++)
                    {
                        var yy = y + t;
                        // Outside rows are all border colour, also after the horizontal pass (the kernel sums to 1).
                        sum += k[t + Radius] * (yy < 0 || yy >= h ? border[ch] : rows[(yy * w + x) * c + ch]);
                    }
                    result.Pixels[(y * w + x) * c + ch] = (byte)Math.Clamp(Math.Round(sum), 0, 255);
                }
        return result;
    }
}
