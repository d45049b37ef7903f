using ScottPlot;

namespace SemiSeg.Reporting;

/// <summary>
/// The report's three kinds of chart, configured on ScottPlot: lines of (x, y) points per run, bars
/// grouped by category (a class) with one bar per run, and a legend of the label colours. Layout,
/// ticks, fonts and both output formats are ScottPlot's; this class only says what goes where.
/// </summary>
internal static class ChartPlots
{
    /// <summary>Installed by tools/setup.sh (fonts-dejavu-core), so charts look the same on every machine.</summary>
    public const string FontName = "DejaVu Sans";

    /// <summary>Points up to this many per series get a marker as well as the line.</summary>
    public const int MarkerLimit = 40;

    /// <summary>Pixels each category of a grouped bar chart needs per run, plus a gap between groups.</summary>
    private const int BarPixels = 14, GroupGap = 24;

    public static Color ToColor(Rgb rgb) => new(rgb.R, rgb.G, rgb.B);

    /// <summary>
    /// A line per series; non-finite points (a diverged loss) are left out rather than stretching
    /// the axes to infinity, and a series with no point left gets no line and no legend entry.
    /// </summary>
    public static Plot Lines(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var drawn = 0;
        for (var i = 0; i < series.Count; i++)
        {
            var points = series[i].Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            if (points.Count == 0) continue;
            var line = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(),
                                            ToColor(series[i].Color ?? SeriesColors.Of(i)));
            line.LineWidth = 2;
            line.MarkerSize = points.Count <= MarkerLimit ? 6 : 0;
            line.LegendText = series[i].Name;
            drawn++;
        }
        // Steps and label counts are whole numbers: a tick at step 2.5 would name a step that never ran.
        if (series.SelectMany(s => s.Points).All(p => !double.IsFinite(p.X) || p.X == Math.Round(p.X)))
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (drawn == 0) plot.Add.Annotation("no data", Alignment.MiddleCenter);
        else plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>
    /// For each category one bar per series, side by side; a missing or non-finite value leaves a
    /// gap, and every category keeps its slot (and its tick label) even when no series has a value.
    /// </summary>
    public static Plot GroupedBars(string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series)
    {
        foreach (var s in series)
            if (s.Values.Count != categories.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories");
        var plot = NewPlot(title, "", yLabel);
        var slot = series.Count + 1;   // positions per category: a bar per series and one empty as the gap
        var bars = new List<Bar>();
        for (var s = 0; s < series.Count; s++)
        {
            var color = ToColor(series[s].Color ?? SeriesColors.Of(s));
            for (var c = 0; c < categories.Count; c++)
                if (series[s].Values[c] is { } v && double.IsFinite(v))
                    bars.Add(new Bar { Position = c * slot + s, Value = v, FillColor = color, LineWidth = 0, Size = 0.9 });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = color });
        }
        plot.Add.Bars(bars);
        var centres = Enumerable.Range(0, categories.Count).Select(c => c * slot + (series.Count - 1) / 2.0).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(centres, categories.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        if (categories.Count * (slot * BarPixels + GroupGap) > ChartFigure.DefaultWidth || categories.Any(c => c.Length > 10))
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            // ScottPlot sizes the axis for upright labels; slanted ones need about 0.7 of their length below the plot.
            plot.Axes.Bottom.MinimumSize = 24 + 0.7f * 7 * categories.Max(c => c.Length);
        }
        plot.Axes.SetLimitsX(-1, categories.Count * slot - 1);
        plot.Axes.Margins(bottom: 0);
        if (series.Count > 0) plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>The width a grouped bar chart needs so that every bar stays at least a few pixels wide.</summary>
    public static int GroupedBarsWidth(int categories, int series) =>
        Math.Max(ChartFigure.DefaultWidth, 160 + categories * ((series + 1) * BarPixels + GroupGap));

    /// <summary>Which colour is which class in the label pictures (the VOC palette by class index).</summary>
    public static Plot ClassLegend(IReadOnlyList<string> classNames)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title("Class colours in the label pictures");
        for (var c = 0; c < classNames.Count; c++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{c}: {classNames[c]}", FillColor = ToColor(LabelPalette.ColorOf(c)) });
        plot.Legend.ManualItems.Add(new LegendItem
            { LabelText = $"{LabelPalette.IgnoreIndex}: no label (hatched)", FillColor = ToColor(LabelPalette.HatchColor) });
        plot.HideAxesAndGrid();
        plot.ShowLegend(Alignment.UpperLeft, Orientation.Horizontal);
        return plot;
    }

    /// <summary>The height of <see cref="ClassLegend"/> for a chart width: rows of legend entries wrap.</summary>
    public static int ClassLegendHeight(int classes, int width = ChartFigure.DefaultWidth) =>
        60 + 22 * (int)Math.Ceiling((classes + 1) / Math.Max(1.0, width / 150.0));

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}
