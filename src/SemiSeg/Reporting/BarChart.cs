namespace SemiSeg.Reporting;

/// <summary>
/// A grouped bar chart: for each category (a class) one bar per series (a run), side by side,
/// so per-class IoU can be compared across methods. A missing value leaves a gap.
/// </summary>
public sealed class BarChart
{
    private const int MaxCategoryChars = 24;

    public BarChart(string title, string yLabel, IReadOnlyList<string> categories)
    {
        Title = title;
        YLabel = yLabel;
        Categories = categories;
    }

    public string Title { get; }
    public string YLabel { get; }
    public IReadOnlyList<string> Categories { get; }
    public List<BarSeries> Series { get; } = new();
    public int Width { get; init; } = 720;
    public int Height { get; init; } = 360;

    public string ToSvg()
    {
        var frame = Layout(out var slot, out var rotated);
        var canvas = new SvgCanvas(frame.Width, frame.Height);
        Draw(canvas, frame, slot, rotated);
        return canvas.ToString();
    }

    public RgbImage ToImage()
    {
        var frame = Layout(out var slot, out var rotated);
        var canvas = new RasterCanvas(frame.Width, frame.Height);
        Draw(canvas, frame, slot, rotated);
        return canvas.Image;
    }

    private ChartFrame Layout(out double slot, out bool rotated)
    {
        foreach (var s in Series)
            if (s.Values.Count != Categories.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {Categories.Count} categories");
        var values = Series.SelectMany(s => s.Values).Where(v => v is not null && double.IsFinite(v.Value)).Select(v => v!.Value).ToList();
        var y = AxisScale.Nice(Math.Min(0, values.DefaultIfEmpty(0).Min()), values.DefaultIfEmpty(1).Max(), 6);
        var barsPerSlot = Math.Max(1, Series.Count);
        var minimumSlot = barsPerSlot * 8 + 8;
        var labelWidth = Categories.Select(c => BitmapFont.Measure(ChartFrame.Shorten(c, MaxCategoryChars))).DefaultIfEmpty(0).Max();
        rotated = labelWidth + 6 > Math.Max(minimumSlot, 48);
        var bottomRoom = rotated ? 34 + labelWidth : 44;
        var legend = Series.Select((s, i) => (s.Name, s.Color ?? SeriesColors.Of(i))).ToList();
        // A first layout finds the legend and tick margins; the width then grows to fit every slot.
        var height = Height + bottomRoom - 44;   // upright labels get their own room, the plot keeps its height
        var probe = new ChartFrame(Width, height, Title, "", YLabel, y, legend, bottomRoom);
        var plotWidth = probe.Right - probe.Left;
        var needed = Categories.Count * (rotated ? minimumSlot : Math.Max(minimumSlot, labelWidth + 8));
        var frame = needed <= plotWidth ? probe
            : new ChartFrame((int)Math.Ceiling(probe.Width + needed - plotWidth), height, Title, "", YLabel, y, legend, bottomRoom);
        slot = (frame.Right - frame.Left) / Math.Max(1, Categories.Count);
        return frame;
    }

    private void Draw(IChartCanvas canvas, ChartFrame frame, double slot, bool rotated)
    {
        frame.Draw(canvas, null);
        var barWidth = (slot - 8) / Math.Max(1, Series.Count);
        var zero = frame.Y.Map(0);
        var ink = new Rgb(40, 40, 40);
        for (var c = 0; c < Categories.Count; c++)
        {
            var left = frame.Left + c * slot;
            for (var s = 0; s < Series.Count; s++)
            {
                var value = Series[s].Values[c];
                if (value is not { } v || !double.IsFinite(v)) continue;
                var top = frame.Y.Map(v);
                canvas.Rect(left + 4 + s * barWidth, Math.Min(top, zero), barWidth, Math.Abs(zero - top), Series[s].Color ?? SeriesColors.Of(s), "bar");
            }
            var label = ChartFrame.Shorten(Categories[c], MaxCategoryChars);
            var centre = left + slot / 2;
            if (rotated) canvas.Text(centre + 4, frame.Bottom + 6, label, ink, TextAnchor.End, rotated: true);
            else canvas.Text(centre, frame.Bottom + 18, label, ink, TextAnchor.Middle);
        }
    }
}
