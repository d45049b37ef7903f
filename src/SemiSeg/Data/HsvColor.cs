namespace SemiSeg.Data;

/// <summary>PIL's 8-bit RGB &lt;-&gt; HSV conversions (libImaging/Convert.c), used by the hue augmentation.</summary>
public static class HsvColor
{
    public static (byte H, byte S, byte V) FromRgb(byte r, byte g, byte b)
    {
        var max = Math.Max(r, Math.Max(g, b));
        var min = Math.Min(r, Math.Min(g, b));
        if (max == min) return (0, 0, max);
        var range = (float)(max - min);
        var s = range / max;
        float rc = (max - r) / range, gc = (max - g) / range, bc = (max - b) / range;
        var h = r == max ? bc - gc : g == max ? 2.0f + rc - bc : 4.0f + gc - rc;
        h = (h / 6.0f + 1.0f) % 1.0f;
        return ((byte)Math.Clamp((int)(h * 255.0f), 0, 255), (byte)Math.Clamp((int)(s * 255.0f), 0, 255), max);
    }

    public static (byte R, byte G, byte B) ToRgb(byte h, byte s, byte v)
    {
        if (s == 0) return (v, v, v);
        var i = (int)Math.Floor(h * 6.0f / 255.0f);
        var f = h * 6.0f / 255.0f - i;
        var fs = s / 255.0f;
        var p = Clip(MathF.Round(v * (1.0f - fs)));
        var q = Clip(MathF.Round(v * (1.0f - fs * f)));
        var t = Clip(MathF.Round(v * (1.0f - fs * (1.0f - f))));
        return (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    private static byte Clip(float x) => (byte)Math.Clamp((int)x, 0, 255);
}
