using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SemiSeg.Reporting;

namespace SemiSeg.Tests.Reporting;

/// <summary>
/// The report's charts as ScottPlot draws them: the data lands where it should in the SVG, the PNG
/// is the same picture, and the texts (titles, legends, class names) are there.
/// </summary>
public sealed class ChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void LinesHaveOnePathPerSeriesAtTheMappedPoints()
    {
        var plot = ChartPlots.Lines("mIoU", "training step", "mIoU (%)", new[]
        {
            new ChartSeries("supervised", new[] { (0.0, 20.0), (1.0, 40.0), (2.0, 30.0) }, new Rgb(31, 119, 180)),
            new ChartSeries("u2pl", new[] { (0.0, 25.0), (1.0, 45.0), (2.0, 50.0), (3.0, 55.0) }, new Rgb(255, 127, 14)),
        });
        var svg = XDocument.Parse(ChartFigure.Render("miou", "", plot).Svg).Root!;
        var first = SeriesPoints(svg, "#1f77b4");
        var second = SeriesPoints(svg, "#ff7f0e");
        Assert.Equal(3, first.Count);
        Assert.Equal(4, second.Count);
        // x spreads evenly over steps; larger values are higher on the page (smaller y).
        Assert.Equal(first[1].X - first[0].X, second[3].X - second[2].X, tolerance: 0.05);
        Assert.True(first[1].Y < first[2].Y && first[2].Y < first[0].Y);
        // y is linear in the value: 20 -> 40 spans twice 40 -> 30.
        Assert.Equal(2 * (first[2].Y - first[1].Y), first[0].Y - first[1].Y, tolerance: 0.05);
        var texts = Texts(svg);
        foreach (var text in new[] { "supervised", "u2pl", "mIoU (%)", "training step", "mIoU" }) Assert.Contains(text, texts);
        Assert.DoesNotContain("0.5", texts);   // whole steps only
    }

    [Fact]
    public void PngDrawsTheSeriesWhereTheSvgPutsIt()
    {
        var level = new Rgb(200, 30, 30);
        var rise = new Rgb(30, 30, 200);
        var plot = ChartPlots.Lines("flat", "step", "value", new[]
        {
            new ChartSeries("level", new[] { (0.0, 0.5), (4.0, 0.5) }, level),
            new ChartSeries("rise", new[] { (0.0, 0.0), (4.0, 1.0) }, rise),
        });
        var figure = ChartFigure.Render("flat", "", plot);
        var points = SeriesPoints(XDocument.Parse(figure.Svg).Root!, level.Hex);
        var image = Decode(figure.Png);
        Assert.Equal((720, 360), (image.Width, image.Height));
        // A quarter of the way along, the level line is there and the rising line is below it.
        var x = (int)Math.Round(points[0].X + (points[1].X - points[0].X) / 4);
        var y = (int)Math.Round(points[0].Y);
        Assert.Contains(Enumerable.Range(y - 2, 5), row => image[row, x] == level);
        var riseRows = Enumerable.Range(0, image.Height).Where(row => image[row, x] == rise).ToList();
        Assert.NotEmpty(riseRows);
        Assert.True(riseRows.Min() > y + 2);
    }

    [Fact]
    public void NoFinitePointMeansNoLineAndSaysSo()
    {
        var plot = ChartPlots.Lines("diverged", "step", "loss", new[] { new ChartSeries("run", new[] { (1.0, double.NaN), (2.0, double.PositiveInfinity) }) });
        var svg = XDocument.Parse(ChartFigure.Render("x", "", plot).Svg).Root!;
        Assert.Contains("no data", Texts(svg));
        Assert.DoesNotContain("run", Texts(svg));
    }

    [Fact]
    public void GroupedBarsHaveABarPerValueWithProportionalHeights()
    {
        var plot = ChartPlots.GroupedBars("Per-class IoU", "IoU (%)", new[] { "background", "shirt", "trousers" }, new[]
        {
            new BarSeries("supervised", new double?[] { 50, 25, null }, new Rgb(31, 119, 180)),
            new BarSeries("u2pl", new double?[] { 60, 30, 10 }, new Rgb(255, 127, 14)),
        });
        var figure = ChartFigure.Render("bars", "", plot);
        var svg = XDocument.Parse(figure.Svg).Root!;
        // Each series' colour fills its bars and its legend swatch (the swatch is the last rect).
        var blue = Rects(svg, "#1f77b4");
        var orange = Rects(svg, "#ff7f0e");
        Assert.Equal(2 + 1, blue.Count);
        Assert.Equal(3 + 1, orange.Count);
        var bars = new[] { blue[0], orange[0], blue[1], orange[1], orange[2] }.OrderBy(r => V(r, "x")).ToList();
        double[] values = { 50, 60, 25, 30, 10 };
        // Bars go category by category, series by series; heights are proportional to the values.
        for (var i = 0; i < bars.Count; i++) Assert.Equal(V(bars[0], "height") / 50, V(bars[i], "height") / values[i], tolerance: 0.01);
        Assert.All(bars, b => Assert.Equal(V(bars[0], "y") + V(bars[0], "height"), V(b, "y") + V(b, "height"), tolerance: 0.5));
        Assert.Equal("#ff7f0e", bars[1].Attribute("fill")!.Value.ToLowerInvariant());
        var image = Decode(figure.Png);
        Assert.Equal(new Rgb(31, 119, 180), image[(int)(V(bars[0], "y") + V(bars[0], "height") / 2), (int)(V(bars[0], "x") + V(bars[0], "width") / 2)]);
        foreach (var name in new[] { "background", "shirt", "trousers", "supervised", "u2pl" }) Assert.Contains(name, Texts(svg));
        Assert.Throws<ArgumentException>(() =>
            ChartPlots.GroupedBars("x", "y", new[] { "a", "b" }, new[] { new BarSeries("short", new double?[] { 1 }) }));
    }

    [Fact]
    public void ManyClassesWidenTheBarChartAndKeepEveryName()
    {
        var names = Enumerable.Range(0, 21).Select(i => $"class number {i}").ToList();
        var plot = ChartPlots.GroupedBars("Per-class IoU", "IoU (%)", names, new[] { new BarSeries("a", names.Select(_ => (double?)40).ToList()) });
        var width = ChartPlots.GroupedBarsWidth(names.Count, 1);
        Assert.True(width > ChartFigure.DefaultWidth);
        var figure = ChartFigure.Render("bars", "", plot, width);
        var svg = XDocument.Parse(figure.Svg).Root!;
        Assert.Equal(names, Texts(svg).Where(t => t.StartsWith("class number")));
        Assert.Equal(width, Decode(figure.Png).Width);
    }

    [Fact]
    public void TheClassLegendNamesEveryClassInItsPaletteColour()
    {
        var names = new[] { "background", "shirt", "trousers" };
        var figure = ChartFigure.Render("class_colors", "", ChartPlots.ClassLegend(names), ChartFigure.DefaultWidth, ChartPlots.ClassLegendHeight(3));
        var svg = XDocument.Parse(figure.Svg).Root!;
        Assert.Equal(new[] { "0: background", "1: shirt", "2: trousers", "255: no label (hatched)" },
                     Texts(svg).Where(t => t.Contains(": ")));
        var image = Decode(figure.Png);
        var colors = new HashSet<Rgb>();
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++) colors.Add(image[y, x]);
        Assert.Contains(new Rgb(128, 0, 0), colors);   // VOC colour of class 1
        Assert.Contains(new Rgb(0, 128, 0), colors);   // VOC colour of class 2
    }

    [Fact]
    public void PictureTextInksInsideItsBox()
    {
        var image = RgbImage.Filled(40, 80, Rgb.White);
        PictureText.Draw(image, new[] { (5, 20, "Ag0") }, Rgb.Black);
        var ink = new List<(int Y, int X)>();
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (image[y, x].R < 128) ink.Add((y, x));
        Assert.True(ink.Count > 20);
        Assert.All(ink, p => Assert.InRange(p.X, 4, 5 + PictureText.Measure("Ag0") + 1));
        Assert.All(ink, p => Assert.InRange(p.Y, 20 - 14, 20 + 5));
        Assert.Contains(ink, p => p.Y > 20);   // the g descends below the baseline
        Assert.Equal("..", PictureText.Fit("a long header", 1));
        Assert.Equal("short", PictureText.Fit("short", 200));
    }

    /// <summary>The longest path stroked in the colour: the series line (the legend's sample is two points).</summary>
    private static List<(double X, double Y)> SeriesPoints(XElement svg, string hex)
    {
        var path = svg.Descendants(Svg + "path")
            .Where(p => string.Equals((string?)p.Attribute("stroke"), hex, StringComparison.OrdinalIgnoreCase))
            .MaxBy(p => p.Attribute("d")!.Value.Length)!;
        return Regex.Matches(path.Attribute("d")!.Value, @"[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)")
            .Select(m => (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static List<XElement> Rects(XElement svg, string hex) =>
        svg.Descendants(Svg + "rect").Where(r => string.Equals((string?)r.Attribute("fill"), hex, StringComparison.OrdinalIgnoreCase)).ToList();

    private static double V(XElement e, string name) => double.Parse(e.Attribute(name)!.Value, CultureInfo.InvariantCulture);

    private static List<string> Texts(XElement svg) => svg.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();

    private static RgbImage Decode(byte[] png)
    {
        using var dir = new ScratchDirectory();
        var path = dir.Combine("chart.png");
        File.WriteAllBytes(path, png);
        return PngFile.Read(path);
    }
}
