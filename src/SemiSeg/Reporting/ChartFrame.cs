namespace SemiSeg.Reporting;

/// <summary>
/// The parts every chart shares: title, plot area, y grid with tick labels, axes and their
/// labels, and a legend column on the right. Margins follow from the text they must hold.
/// </summary>
internal sealed class ChartFrame
{
    private const int TitleRoom = 34, Pad = 12, LegendLine = 18, LegendSwatch = 20, MaxLegendChars = 36;
    private static readonly Rgb Ink = new(40, 40, 40), Grid = new(225, 225, 225);

    private readonly string title, xLabel, yLabel;
    private readonly IReadOnlyList<(string Name, Rgb Color)> legend;

    /// <param name="bottomRoom">Pixels under the plot for x tick labels and the x label.</param>
    public ChartFrame(int width, int height, string title, string xLabel, string yLabel, AxisScale y,
                      IReadOnlyList<(string Name, Rgb Color)> legend, int bottomRoom = 44)
    {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.legend = legend.Select(e => (Shorten(e.Name, MaxLegendChars), e.Color)).ToList();
        Y = y;
        var tickWidth = y.Ticks.Max(t => BitmapFont.Measure(y.Format(t)));
        var legendWidth = legend.Count == 0 ? 0 : LegendSwatch + 8 + this.legend.Max(e => BitmapFont.Measure(e.Item1)) + Pad;
        Left = 28 + tickWidth + 8;
        Top = TitleRoom;
        Width = Math.Max(width, (int)Left + 120 + legendWidth + Pad);
        Height = Math.Max(height, TitleRoom + legend.Count * LegendLine + bottomRoom + Pad);
        Right = Width - Pad - legendWidth;
        Bottom = Height - bottomRoom;
        y.PixelMin = Bottom;
        y.PixelMax = Top;
    }

    public int Width { get; }
    public int Height { get; }
    public double Left { get; }
    public double Right { get; }
    public double Top { get; }
    public double Bottom { get; }
    public AxisScale Y { get; }

    /// <summary>Draws everything but the data; pass <paramref name="x"/> to get numeric x ticks.</summary>
    public void Draw(IChartCanvas canvas, AxisScale? x)
    {
        canvas.Text(Width / 2.0, 22, title, Ink, TextAnchor.Middle, bold: true);
        foreach (var tick in Y.Ticks)
        {
            var py = Y.Map(tick);
            canvas.Line(Left, py, Right, py, Grid);
            canvas.Text(Left - 6, py + 4, Y.Format(tick), Ink, TextAnchor.End);
        }
        if (x is not null)
        {
            x.PixelMin = Left;
            x.PixelMax = Right;
            foreach (var tick in x.Ticks)
            {
                var px = x.Map(tick);
                canvas.Line(px, Bottom, px, Bottom + 4, Ink);
                canvas.Text(px, Bottom + 18, x.Format(tick), Ink, TextAnchor.Middle);
            }
        }
        canvas.Line(Left, Top, Left, Bottom, Ink);
        canvas.Line(Left, Bottom, Right, Bottom, Ink);
        canvas.Text(Left + (Right - Left) / 2, Height - 8, xLabel, Ink, TextAnchor.Middle);
        canvas.Text(22, Top + (Bottom - Top) / 2, yLabel, Ink, TextAnchor.Middle, rotated: true);
        for (var i = 0; i < legend.Count; i++)
        {
            var ly = Top + 6 + i * LegendLine;
            canvas.Rect(Right + Pad, ly - 5, LegendSwatch, 4, legend[i].Color, "legend");
            canvas.Text(Right + Pad + LegendSwatch + 8, ly + 1, legend[i].Name, Ink);
        }
    }

    /// <summary>Text cut to at most <paramref name="max"/> characters, marking the cut with "..".</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 2)] + "..";
}
