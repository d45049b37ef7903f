using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// One FashionScenes image: Fashion-MNIST garments pasted in order over a textured background. A
/// garment's glyph intensity g (after resizing) decides each pixel: g at or above the cover
/// threshold is the garment (opaque, labelled with its class 1-10), g below the band threshold
/// leaves what is beneath, and the anti-aliased band between is a blend labelled 255 (ignore).
/// Later garments occlude earlier ones.
/// </summary>
public static class FashionScene
{
    public static (ByteImage Image, ByteImage Label, IReadOnlyList<PastedGarment> Garments) Render(
        FashionMnist pool, FashionScenesOptions options, DeterministicRandom random)
    {
        var size = options.Size;
        var image = SceneBackground.Render(size, random);
        var label = new ByteImage(size, size, 1);
        var count = random.NextInt(options.MinGarments, options.MaxGarments + 1);
        var garments = new List<PastedGarment>(count);
        for (var k = 0; k < count; k++)
        {
            var source = random.NextInt(pool.Count);
            var side = (int)Math.Round(FashionMnist.GlyphSize * random.Uniform(options.MinScale, options.MaxScale));
            // At least three quarters of the garment's box lies on the canvas.
            var top = random.NextInt(-side / 4, size - side * 3 / 4 + 1);
            var left = random.NextInt(-side / 4, size - side * 3 / 4 + 1);
            var garment = new PastedGarment(source, pool.Labels[source] + 1, side, top, left);
            Paste(image, label, pool, garment, GarmentColor(random), options);
            garments.Add(garment);
        }
        return (image, label, garments);
    }

    /// <summary>A saturated colour from a random hue, so garments stand out from most backgrounds.</summary>
    private static double[] GarmentColor(DeterministicRandom random)
    {
        var hue = random.NextDouble() * 6;
        var saturation = random.Uniform(0.35, 1.0);
        var value = random.Uniform(0.45, 1.0) * 255;
        var f = hue - Math.Floor(hue);
        double p = value * (1 - saturation), q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f));
        return ((int)hue) switch
        {
            0 => new[] { value, t, p },
            1 => new[] { q, value, p },
            2 => new[] { p, value, t },
            3 => new[] { p, q, value },
            4 => new[] { t, p, value },
            _ => new[] { value, p, q },
        };
    }

    private static void Paste(ByteImage image, ByteImage label, FashionMnist pool, PastedGarment garment, double[] color, FashionScenesOptions options)
    {
        var glyph = new ByteImage(FashionMnist.GlyphSize, FashionMnist.GlyphSize, 1, Stretch(pool.Glyph(garment.Source)));
        if (garment.Side != FashionMnist.GlyphSize) glyph = ImageFile.Resize(glyph, garment.Side, garment.Side, bilinear: true);
        int size = image.Width, lo = options.BandThreshold, hi = options.CoverThreshold;
        for (var gy = 0; gy < garment.Side; gy++)
        {
            var y = garment.Top + gy;
            if (y < 0 || y >= size) continue;
            for (var gx = 0; gx < garment.Side; gx++)
            {
                var x = garment.Left + gx;
                if (x < 0 || x >= size) continue;
                int g = glyph.Pixels[gy * garment.Side + gx];
                if (g < lo) continue;
                var alpha = Math.Min(1.0, (g - lo) / (double)(hi - lo));
                // The glyph's own shading keeps the garment's folds and prints visible.
                var shade = 0.55 + 0.45 * g / 255.0;
                var p = (y * size + x) * 3;
                for (var c = 0; c < 3; c++)
                    image.Pixels[p + c] = (byte)Math.Clamp((int)Math.Round(image.Pixels[p + c] * (1 - alpha) + color[c] * shade * alpha), 0, 255);
                label.Pixels[y * size + x] = g >= hi ? (byte)garment.Class : LabelImage.IgnoreIndex;
            }
        }
    }

    /// <summary>
    /// Scales a glyph so its 95th-percentile garment pixel becomes 255. Dark garments (Fashion-MNIST
    /// has many) would otherwise fall mostly between the thresholds and be pasted half-transparent
    /// and labelled ignore; after stretching the thresholds mean the same for every garment.
    /// </summary>
    public static byte[] Stretch(ReadOnlySpan<byte> glyph)
    {
        var values = glyph.ToArray().Where(v => v > 0).Order().ToArray();
        var result = glyph.ToArray();
        if (values.Length == 0) return result;
        var reference = Math.Max((int)values[(int)(0.95 * (values.Length - 1))], 1);
        for (var i = 0; i < result.Length; i++) result[i] = (byte)Math.Min(255, result[i] * 255 / reference);
        return result;
    }
}
