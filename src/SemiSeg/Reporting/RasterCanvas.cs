namespace SemiSeg.Reporting;

/// <summary>
/// Draws charts into an <see cref="RgbImage"/>: Bresenham lines stamped with a square pen,
/// filled rectangles and discs, and <see cref="BitmapFont"/> text. No anti-aliasing.
/// </summary>
internal sealed class RasterCanvas : IChartCanvas
{
    public RasterCanvas(int width, int height) => Image = RgbImage.Filled(height, width, Rgb.White);

    public RgbImage Image { get; }
    public int Width => Image.Width;
    public int Height => Image.Height;

    public void Line(double x1, double y1, double x2, double y2, Rgb color, double width = 1, bool dashed = false)
    {
        int x = R(x1), y = R(y1), xEnd = R(x2), yEnd = R(y2);
        int dx = Math.Abs(xEnd - x), dy = -Math.Abs(yEnd - y), sx = x < xEnd ? 1 : -1, sy = y < yEnd ? 1 : -1;
        int error = dx + dy, pen = Math.Max(1, R(width));
        for (var step = 0; ; step++)
        {
            // Dashes of four pixels on, four off, as the SVG's stroke-dasharray="4 4".
            if (!dashed || step % 8 < 4) Image.FillRect(x - (pen - 1) / 2, y - (pen - 1) / 2, pen, pen, color);
            if (x == xEnd && y == yEnd) break;
            var twice = 2 * error;
            if (twice >= dy) { error += dy; x += sx; }
            if (twice <= dx) { error += dx; y += sy; }
        }
    }

    public void Polyline(IReadOnlyList<(double X, double Y)> points, Rgb color, double width)
    {
        for (var i = 1; i < points.Count; i++) Line(points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y, color, width);
        if (points.Count == 1) Line(points[0].X, points[0].Y, points[0].X, points[0].Y, color, width);
    }

    public void Rect(double x, double y, double width, double height, Rgb fill, string? role = null)
    {
        int left = R(x), top = R(y);
        Image.FillRect(left, top, R(x + width) - left, R(y + height) - top, fill);
    }

    public void Circle(double x, double y, double radius, Rgb fill)
    {
        int cx = R(x), cy = R(y), r = Math.Max(0, (int)Math.Ceiling(radius));
        for (var dy = -r; dy <= r; dy++)
            for (var dx = -r; dx <= r; dx++)
                if (dx * dx + dy * dy <= radius * radius + 0.5) Image.Plot(cx + dx, cy + dy, fill);
    }

    public void Text(double x, double y, string text, Rgb color, TextAnchor anchor = TextAnchor.Start, bool rotated = false, bool bold = false)
    {
        var shift = anchor switch
        {
            TextAnchor.Middle => BitmapFont.Measure(text) / 2,
            TextAnchor.End => BitmapFont.Measure(text),
            _ => 0,
        };
        // Rotated text reads upwards, so moving its start "back" along the text means down the page.
        int left = rotated ? R(x) : R(x) - shift, baseline = rotated ? R(y) + shift : R(y);
        BitmapFont.Draw(Image, left, baseline, text, color, rotated);
        if (bold) BitmapFont.Draw(Image, rotated ? left : left + 1, rotated ? baseline - 1 : baseline, text, color, rotated);
    }

    private static int R(double value) => (int)Math.Round(value, MidpointRounding.AwayFromZero);
}
