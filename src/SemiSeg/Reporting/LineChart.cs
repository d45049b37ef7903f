namespace SemiSeg.Reporting;

/// <summary>
/// A line chart of one quantity against another (a loss term, the learning rate or mIoU per
/// epoch) for one or several runs, with axes, ticks and a legend; as SVG or as a picture.
/// </summary>
public sealed class LineChart
{
    public LineChart(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    public string Title { get; }
    public string XLabel { get; }
    public string YLabel { get; }
    public List<ChartSeries> Series { get; } = new();
    public int Width { get; init; } = 720;
    public int Height { get; init; } = 360;

    /// <summary>Points up to this many per series get a marker as well as the line.</summary>
    public int MarkerLimit { get; init; } = 40;

    public string ToSvg()
    {
        var frame = Layout(out var x);
        var canvas = new SvgCanvas(frame.Width, frame.Height);
        Draw(canvas, frame, x);
        return canvas.ToString();
    }

    public RgbImage ToImage()
    {
        var frame = Layout(out var x);
        var canvas = new RasterCanvas(frame.Width, frame.Height);
        Draw(canvas, frame, x);
        return canvas.Image;
    }

    private ChartFrame Layout(out AxisScale x)
    {
        // Non-finite values (a diverged loss) are left out rather than stretching the axes to infinity.
        var points = Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var integers = points.All(p => p.X == Math.Round(p.X));
        x = points.Count == 0 ? AxisScale.Nice(0, 1) : AxisScale.Nice(points.Min(p => p.X), points.Max(p => p.X), 8, integers);
        var y = points.Count == 0 ? AxisScale.Nice(0, 1) : AxisScale.Nice(points.Min(p => p.Y), points.Max(p => p.Y), 6);
        var legend = Series.Select((s, i) => (s.Name, s.Color ?? SeriesColors.Of(i))).ToList();
        return new ChartFrame(Width, Height, Title, XLabel, YLabel, y, legend);
    }

    private void Draw(IChartCanvas canvas, ChartFrame frame, AxisScale x)
    {
        frame.Draw(canvas, x);
        for (var i = 0; i < Series.Count; i++)
        {
            var color = Series[i].Color ?? SeriesColors.Of(i);
            var pixels = Series[i].Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
                                         .Select(p => (x.Map(p.X), frame.Y.Map(p.Y))).ToList();
            if (pixels.Count == 0) continue;
            canvas.Polyline(pixels, color, 2);
            if (pixels.Count <= MarkerLimit)
                foreach (var (px, py) in pixels) canvas.Circle(px, py, 3, color);
        }
        if (Series.All(s => s.Points.Count == 0))
            canvas.Text((frame.Left + frame.Right) / 2, (frame.Top + frame.Bottom) / 2, "no data", new Rgb(120, 120, 120), TextAnchor.Middle);
    }
}
