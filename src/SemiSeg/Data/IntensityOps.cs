using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// The pixel-intensity operations of iMAS's strong augmentation (imas/dataset/augmentations.py),
/// written after PIL's ImageOps/ImageEnhance on RGB byte images; the geometry is never changed, so
/// labels stay valid. Each returns a new image.
/// </summary>
public static class IntensityOps
{
    public static ByteImage Invert(ByteImage image) => MapBytes(image, v => (byte)(255 - v));

    /// <summary>Keeps the top <paramref name="bits"/> bits of every value (ImageOps.posterize).</summary>
    public static ByteImage Posterize(ByteImage image, int bits)
    {
        var mask = (byte)~((1 << (8 - bits)) - 1);
        return MapBytes(image, v => (byte)(v & mask));
    }

    /// <summary>Inverts values at or above the threshold (ImageOps.solarize).</summary>
    public static ByteImage Solarize(ByteImage image, int threshold) => MapBytes(image, v => v < threshold ? v : (byte)(255 - v));

    /// <summary>Stretches each channel so its darkest value is 0 and its brightest 255 (ImageOps.autocontrast).</summary>
    public static ByteImage AutoContrast(ByteImage image) => MapPerChannel(image, histogram =>
    {
        int lo = 0, hi = 255;
        while (lo < 256 && histogram[lo] == 0) lo++;
        while (hi >= 0 && histogram[hi] == 0) hi--;
        var lut = new byte[256];
        for (var i = 0; i < 256; i++)
            lut[i] = hi <= lo ? (byte)i : (byte)Math.Clamp((int)(i * (255.0 / (hi - lo)) - lo * (255.0 / (hi - lo))), 0, 255);
        return lut;
    });

    /// <summary>Flattens each channel's histogram (ImageOps.equalize, with its integer steps).</summary>
    public static ByteImage Equalize(ByteImage image) => MapPerChannel(image, histogram =>
    {
        var lut = new byte[256];
        var used = histogram.Where(n => n > 0).ToList();
        var step = used.Count <= 1 ? 0 : (used.Sum() - used[^1]) / 255;
        if (step == 0) { for (var i = 0; i < 256; i++) lut[i] = (byte)i; return lut; }
        long n = step / 2;
        for (var i = 0; i < 256; i++)
        {
            lut[i] = (byte)Math.Min(n / step, 255);
            n += histogram[i];
        }
        return lut;
    });

    /// <summary>PIL's luminance: (19595 R + 38470 G + 7471 B + 2^15) >> 16.</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    /// <summary>ImageEnhance.Brightness: blend with black.</summary>
    public static ByteImage Brightness(ByteImage image, double factor) => Blend(new ByteImage(image.Height, image.Width, 3), image, factor);

    /// <summary>ImageEnhance.Contrast: blend with the mean grey level.</summary>
    public static ByteImage Contrast(ByteImage image, double factor)
    {
        double sum = 0;
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 3) sum += Luma(p[i], p[i + 1], p[i + 2]);
        var mean = (byte)(int)(sum / (p.Length / 3) + 0.5);
        var grey = new ByteImage(image.Height, image.Width, 3);
        Array.Fill(grey.Pixels, mean);
        return Blend(grey, image, factor);
    }

    /// <summary>ImageEnhance.Color: blend with the grey version of the image.</summary>
    public static ByteImage Color(ByteImage image, double factor)
    {
        var grey = new ByteImage(image.Height, image.Width, 3);
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 3) grey.Pixels[i] = grey.Pixels[i + 1] = grey.Pixels[i + 2] = Luma(p[i], p[i + 1], p[i + 2]);
        return Blend(grey, image, factor);
    }

    /// <summary>ImageEnhance.Sharpness: blend with PIL's SMOOTH filter (3x3, centre 5, total 13; border pixels kept).</summary>
    public static ByteImage Sharpness(ByteImage image, double factor)
    {
        var smooth = image.Clone();
        int h = image.Height, w = image.Width;
        for (var y = 1; y < h - 1; y++)
            for (var x = 1; x < w - 1; x++)
                for (var c = 0; c < 3; c++)
                {
                    var sum = 4 * image[y, x, c];
                    for (var dy = -1; dy <= 1; dy++)
                        for (var dx = -1; dx <= 1; dx++) sum += image[y + dy, x + dx, c];
                    smooth[y, x, c] = (byte)Math.Clamp((int)(sum / 13.0 + 0.5), 0, 255);
                }
        return Blend(smooth, image, factor);
    }

    /// <summary>A Gaussian blur with standard deviation sigma (PIL's GaussianBlur radius), edges extended.</summary>
    public static ByteImage Blur(ByteImage image, double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-0.5 * i * i / (sigma * sigma))).ToArray();
        var total = kernel.Sum();
        for (var i = 0; i < kernel.Length; i++) kernel[i] /= total;
        int h = image.Height, w = image.Width;
        var pass = new double[h * w * 3];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var c = 0; c < 3; c++)
                {
                    double s = 0;
                    for (var t = -radius; t <= radius; t++) s += kernel[t + radius] * image[y, Math.Clamp(x + t, 0, w - 1), c];
                    pass[(y * w + x) * 3 + c] = s;
                }
        var result = new ByteImage(h, w, 3);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var c = 0; c < 3; c++)
                {
                    double s = 0;
                    for (var t = -radius; t <= radius; t++) s += kernel[t + radius] * pass[(Math.Clamp(y + t, 0, h - 1) * w + x) * 3 + c];
                    result[y, x, c] = (byte)Math.Clamp(Math.Round(s), 0, 255);
                }
        return result;
    }

    /// <summary>Rotates hue by shift/255 of a turn in PIL's 8-bit HSV (img_aug_hue adds uint8(factor * 255)).</summary>
    public static ByteImage Hue(ByteImage image, byte shift)
    {
        var result = new ByteImage(image.Height, image.Width, 3);
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 3)
        {
            var (h, s, v) = HsvColor.FromRgb(p[i], p[i + 1], p[i + 2]);
            (result.Pixels[i], result.Pixels[i + 1], result.Pixels[i + 2]) = HsvColor.ToRgb(unchecked((byte)(h + shift)), s, v);
        }
        return result;
    }

    /// <summary>PIL's Image.blend(a, b, alpha) = a + alpha (b - a), truncated and clipped to bytes.</summary>
    private static ByteImage Blend(ByteImage degenerate, ByteImage image, double alpha)
    {
        var result = new ByteImage(image.Height, image.Width, 3);
        for (var i = 0; i < result.Pixels.Length; i++)
        {
            var t = (float)(degenerate.Pixels[i] + alpha * (image.Pixels[i] - degenerate.Pixels[i]));
            result.Pixels[i] = t <= 0 ? (byte)0 : t >= 255 ? (byte)255 : (byte)t;
        }
        return result;
    }

    private static ByteImage MapBytes(ByteImage image, Func<byte, byte> f)
    {
        var lut = new byte[256];
        for (var i = 0; i < 256; i++) lut[i] = f((byte)i);
        var result = new ByteImage(image.Height, image.Width, image.Channels);
        for (var i = 0; i < result.Pixels.Length; i++) result.Pixels[i] = lut[image.Pixels[i]];
        return result;
    }

    private static ByteImage MapPerChannel(ByteImage image, Func<long[], byte[]> lutOf)
    {
        var c = image.Channels;
        var result = new ByteImage(image.Height, image.Width, c);
        for (var ch = 0; ch < c; ch++)
        {
            var histogram = new long[256];
            for (var i = ch; i < image.Pixels.Length; i += c) histogram[image.Pixels[i]]++;
            var lut = lutOf(histogram);
            for (var i = ch; i < image.Pixels.Length; i += c) result.Pixels[i] = lut[image.Pixels[i]];
        }
        return result;
    }
}
