using System.Runtime.InteropServices;
using SkiaSharp;

namespace SemiSeg.Reporting;

/// <summary>
/// Labels on the picture grids (column headers, scene names), drawn with SkiaSharp, the engine
/// ScottPlot renders with, in the charts' font. The grids themselves stay our own pixel code: they
/// are pictures pasted side by side pixel for pixel (a label map must keep its exact palette
/// colours and its hatch, enlarged without smoothing), not data on axes, so a chart library has
/// nothing to add there; only their text needs a font.
/// </summary>
internal static class PictureText
{
    private const float Size = 12;

    private static SKFont Font() => new(SKTypeface.FromFamilyName(ChartPlots.FontName) ?? SKTypeface.Default, Size);

    /// <summary>The width of <paramref name="text"/> in pixels, rounded up.</summary>
    public static int Measure(string text)
    {
        using var font = Font();
        return (int)Math.Ceiling(font.MeasureText(text));
    }

    /// <summary>Text cut to at most <paramref name="width"/> pixels, marking the cut with "..".</summary>
    public static string Fit(string text, int width)
    {
        if (Measure(text) <= width) return text;
        for (var length = text.Length - 1; length > 0; length--)
            if (Measure(text[..length] + "..") <= width) return text[..length] + "..";
        return "..";
    }

    /// <summary>Draws each label with its baseline's left end at (X, Y) onto <paramref name="page"/>.</summary>
    public static void Draw(RgbImage page, IEnumerable<(int X, int Y, string Text)> labels, Rgb color)
    {
        var info = new SKImageInfo(page.Width, page.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var rgba = new byte[page.Width * page.Height * 4];
        for (int i = 0, j = 0; i < page.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = page.Pixels[i];
            rgba[j + 1] = page.Pixels[i + 1];
            rgba[j + 2] = page.Pixels[i + 2];
            rgba[j + 3] = 255;
        }
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using (var canvas = new SKCanvas(bitmap))
        using (var font = Font())
        using (var paint = new SKPaint { Color = new SKColor(color.R, color.G, color.B), IsAntialias = true })
        {
            foreach (var (x, y, text) in labels) canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
            canvas.Flush();
        }
        Marshal.Copy(bitmap.GetPixels(), rgba, 0, rgba.Length);
        for (int i = 0, j = 0; i < page.Pixels.Length; i += 3, j += 4)
        {
            page.Pixels[i] = rgba[j];
            page.Pixels[i + 1] = rgba[j + 1];
            page.Pixels[i + 2] = rgba[j + 2];
        }
    }
}
