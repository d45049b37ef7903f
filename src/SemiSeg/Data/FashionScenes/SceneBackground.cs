using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>Random textured backgrounds for FashionScenes: a linear gradient, smooth noise, or stripes, plus grain.</summary>
public static class SceneBackground
{
    public static ByteImage Render(int size, DeterministicRandom random)
    {
        var a = RandomColor(random);
        var b = RandomColor(random);
        var image = new ByteImage(size, size, 3);
        var mix = random.NextInt(3) switch
        {
            0 => Gradient(size, random),
            1 => SmoothNoise(size, random),
            _ => Stripes(size, random),
        };
        var grain = 4 + random.NextInt(12);
        for (var i = 0; i < size * size; i++)
        {
            var t = mix[i];
            for (var c = 0; c < 3; c++)
            {
                var v = a[c] + (b[c] - a[c]) * t + random.NextInt(-grain, grain + 1);
                image.Pixels[i * 3 + c] = (byte)Math.Clamp((int)Math.Round(v), 0, 255);
            }
        }
        return image;
    }

    private static byte[] RandomColor(DeterministicRandom random) =>
        new[] { (byte)random.NextInt(256), (byte)random.NextInt(256), (byte)random.NextInt(256) };

    /// <summary>Blend weights 0-1 rising along a random direction.</summary>
    private static float[] Gradient(int size, DeterministicRandom random)
    {
        var angle = random.Uniform(0, 2 * Math.PI);
        double cos = Math.Cos(angle), sin = Math.Sin(angle), half = (size - 1) / 2.0;
        var mix = new float[size * size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                mix[y * size + x] = (float)Math.Clamp(((x - half) * cos + (y - half) * sin) / (size * 0.75) + 0.5, 0, 1);
        return mix;
    }

    /// <summary>Value noise: a coarse random grid upsampled bilinearly.</summary>
    private static float[] SmoothNoise(int size, DeterministicRandom random)
    {
        var cells = 3 + random.NextInt(8);
        var coarse = new ByteImage(cells, cells, 1);
        for (var i = 0; i < coarse.Pixels.Length; i++) coarse.Pixels[i] = (byte)random.NextInt(256);
        var fine = ImageFile.Resize(coarse, size, size, bilinear: true);
        return fine.Pixels.Select(v => v / 255f).ToArray();
    }

    /// <summary>Two-colour stripes of a random period and direction (soft edges one pixel wide).</summary>
    private static float[] Stripes(int size, DeterministicRandom random)
    {
        var angle = random.Uniform(0, Math.PI);
        var period = random.Uniform(6, 24);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        var mix = new float[size * size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var phase = (x * cos + y * sin) / period;
                var distance = Math.Abs(phase - Math.Floor(phase) - 0.5) * period;   // pixels from a stripe centre line
                mix[y * size + x] = (float)Math.Clamp(distance - period / 4 + 0.5, 0, 1);
            }
        return mix;
    }
}
