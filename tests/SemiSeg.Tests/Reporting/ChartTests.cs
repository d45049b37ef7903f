using System.Globalization;
using System.Xml.Linq;
using SemiSeg.Reporting;

namespace SemiSeg.Tests.Reporting;

public sealed class ChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void NiceTicksCoverTheDataWithRoundSteps()
    {
        var axis = AxisScale.Nice(0.13, 0.87);
        Assert.Equal(new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 }, axis.Ticks);
        Assert.Equal(new[] { "0", "0.2", "0.4", "0.6", "0.8", "1.0" }, axis.Ticks.Select(axis.Format));

        var tenths = AxisScale.Nice(0, 0.3, 3);
        Assert.Equal("0.3", tenths.Format(tenths.Ticks[^1]));   // not 0.30000000000000004

        Assert.Equal(new double[] { 0, 2, 4, 6, 8, 10 }, AxisScale.Nice(0, 9.5, 5, integers: true).Ticks);
        Assert.Equal(new double[] { 0, 1, 2 }, AxisScale.Nice(0, 2, 8, integers: true).Ticks);  // never a step below one epoch

        var flat = AxisScale.Nice(3, 3);
        Assert.True(flat.Min < 3 && flat.Max > 3);
        var tiny = AxisScale.Nice(0, 1e-5);
        Assert.Equal("1E-5", tiny.Format(1e-5));
    }

    [Fact]
    public void LineChartSvgHasOnePolylinePerSeriesAtTheMappedPoints()
    {
        var chart = new LineChart("mIoU", "epoch", "mIoU (%)");
        chart.Series.Add(new ChartSeries("supervised", new[] { (0.0, 20.0), (1.0, 40.0), (2.0, 30.0) }));
        chart.Series.Add(new ChartSeries("u2pl", new[] { (0.0, 25.0), (1.0, 45.0), (2.0, 50.0), (3.0, 55.0) }));
        var svg = XDocument.Parse(chart.ToSvg()).Root!;
        var lines = svg.Descendants(Svg + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        var first = Points(lines[0]);
        var second = Points(lines[1]);
        Assert.Equal(3, first.Count);
        Assert.Equal(4, second.Count);
        // x spreads evenly over epochs; larger values are higher on the page (smaller y).
        Assert.Equal(first[1].X - first[0].X, second[3].X - second[2].X, tolerance: 0.05);
        Assert.True(first[1].Y < first[2].Y && first[2].Y < first[0].Y);
        // y is linear in the value: 20 -> 40 spans twice 40 -> 30.
        Assert.Equal(2 * (first[2].Y - first[1].Y), first[0].Y - first[1].Y, tolerance: 0.05);
        Assert.Equal(lines[0].Attribute("stroke")!.Value, SeriesColorHex(0));
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("supervised", texts);
        Assert.Contains("u2pl", texts);
        Assert.Contains("mIoU (%)", texts);
        Assert.Contains("60", texts);   // the y axis reaches the next nice tick above 55
    }

    [Fact]
    public void PngChartDrawsTheSeriesWhereTheSvgPutsIt()
    {
        var chart = new LineChart("flat", "epoch", "value");
        chart.Series.Add(new ChartSeries("level", new[] { (0.0, 0.5), (4.0, 0.5) }, new Rgb(200, 30, 30)));
        chart.Series.Add(new ChartSeries("rise", new[] { (0.0, 0.0), (4.0, 1.0) }, new Rgb(30, 30, 200)));
        var points = Points(XDocument.Parse(chart.ToSvg()).Root!.Descendants(Svg + "polyline").First());
        var image = chart.ToImage();
        Assert.Equal((720, 360), (image.Width, image.Height));
        var y = (int)Math.Round(points[0].Y);
        // A quarter of the way along, the level line is there and the rising line is below it.
        var x = (int)Math.Round(points[0].X + (points[1].X - points[0].X) / 4);
        Assert.Equal(new Rgb(200, 30, 30), image[y, x]);
        var riseY = Enumerable.Range(0, image.Height).Where(row => image[row, x] == new Rgb(30, 30, 200)).ToList();
        Assert.NotEmpty(riseY);
        Assert.True(riseY.Min() > y);
    }

    [Fact]
    public void GroupedBarChartHasABarPerValueWithProportionalHeights()
    {
        var chart = new BarChart("Per-class IoU", "IoU (%)", new[] { "background", "shirt", "trousers" });
        chart.Series.Add(new BarSeries("supervised", new double?[] { 50, 25, null }));
        chart.Series.Add(new BarSeries("u2pl", new double?[] { 60, 30, 10 }));
        var svg = XDocument.Parse(chart.ToSvg()).Root!;
        var bars = svg.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(5, bars.Count);
        double Height(XElement r) => double.Parse(r.Attribute("height")!.Value, CultureInfo.InvariantCulture);
        double Bottom(XElement r) => double.Parse(r.Attribute("y")!.Value, CultureInfo.InvariantCulture) + Height(r);
        // Bars go category by category, series by series; heights are proportional to the values.
        double[] values = { 50, 60, 25, 30, 10 };
        for (var i = 0; i < bars.Count; i++) Assert.Equal(Height(bars[0]) / 50, Height(bars[i]) / values[i], tolerance: 0.01);
        Assert.All(bars, b => Assert.Equal(Bottom(bars[0]), Bottom(b), tolerance: 0.05));   // all stand on zero
        Assert.Equal(SeriesColorHex(0), bars[0].Attribute("fill")!.Value);
        Assert.Equal(SeriesColorHex(1), bars[1].Attribute("fill")!.Value);
        var image = chart.ToImage();
        Assert.Equal(new Rgb(31, 119, 180), PixelInside(image, bars[0]));
        Assert.Equal(new Rgb(255, 127, 14), PixelInside(image, bars[4]));
        Assert.Throws<ArgumentException>(() =>
        {
            var bad = new BarChart("x", "y", new[] { "a", "b" });
            bad.Series.Add(new BarSeries("short", new double?[] { 1 }));
            bad.ToSvg();
        });
    }

    [Fact]
    public void LongCategoryNamesTurnUprightAndWidenNothingBeyondTheirSlots()
    {
        var names = Enumerable.Range(0, 21).Select(i => $"class number {i}").ToList();
        var chart = new BarChart("Per-class IoU", "IoU (%)", names);
        chart.Series.Add(new BarSeries("a", names.Select(_ => (double?)40).ToList()));
        var svg = XDocument.Parse(chart.ToSvg()).Root!;
        var labels = svg.Descendants(Svg + "text").Where(t => t.Value.StartsWith("class number")).ToList();
        Assert.Equal(21, labels.Count);
        Assert.All(labels, l => Assert.StartsWith("rotate(-90", l.Attribute("transform")!.Value));
        var image = chart.ToImage();
        Assert.Equal(int.Parse(svg.Attribute("height")!.Value), image.Height);
        Assert.True(image.Height > 360);   // room for the upright labels
    }

    [Fact]
    public void BitmapTextStaysInsideItsCell()
    {
        var image = RgbImage.Filled(40, 60, Rgb.White);
        BitmapFont.Draw(image, 5, 20, "Ag0", Rgb.Black);
        var ink = new List<(int Y, int X)>();
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (image[y, x] == Rgb.Black) ink.Add((y, x));
        Assert.True(ink.Count > 20);
        Assert.All(ink, p => Assert.InRange(p.X, 5, 5 + 3 * BitmapFont.Advance - 1));
        Assert.All(ink, p => Assert.InRange(p.Y, 20 - BitmapFont.Ascent, 20 - BitmapFont.Ascent + BitmapFont.Height - 1));
        Assert.Contains(ink, p => p.Y > 20);   // the g descends below the baseline
    }

    private static List<(double X, double Y)> Points(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();

    private static string SeriesColorHex(int index) => index == 0 ? "#1f77b4" : "#ff7f0e";

    private static Rgb PixelInside(RgbImage image, XElement rect)
    {
        double V(string name) => double.Parse(rect.Attribute(name)!.Value, CultureInfo.InvariantCulture);
        return image[(int)(V("y") + V("height") / 2), (int)(V("x") + V("width") / 2)];
    }
}
