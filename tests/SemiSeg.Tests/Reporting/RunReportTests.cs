using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SemiSeg.Reporting;

namespace SemiSeg.Tests.Reporting;

public sealed class RunReportTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>A supervised run without unlabelled pictures and a U2PL run with one.</summary>
    private static string[] TwoRuns(ScratchDirectory dir) => new[]
    {
        FakeRun.Write(dir.Combine("runs", "suponly_1-8"), "supervised", 0.4567, 0.4412, new[] { "sup", "total" }, unlabeledScene: false),
        FakeRun.Write(dir.Combine("runs", "u2pl_1-8"), "u2pl", 0.5210, 0.5105, new[] { "sup", "unsup", "contrastive", "total" }, unlabeledScene: true),
    };

    [Fact]
    public void HtmlHoldsTheSummaryNumbersChartsAndEmbeddedPictures()
    {
        using var dir = new ScratchDirectory();
        var output = RunReport.Write(TwoRuns(dir), dir.Combine("out", "report.html"));

        Assert.Equal(dir.Combine("out", "report.html"), output.HtmlPath);
        Assert.Equal(dir.Combine("out", "report_figures"), output.FiguresDirectory);
        var html = File.ReadAllText(output.HtmlPath);
        foreach (var number in new[] { "45.67", "44.12", "52.10", "51.05", "10.2 min", "<td>183</td>", "<td>1281</td>" })
            Assert.Contains(number, html);
        Assert.Contains("<td class=\"text\">supervised</td>", html);
        Assert.Contains("<td class=\"text\">u2pl</td>", html);
        // Charts inline as SVG images: mIoU, learning rate, the four loss terms, per-class IoU, class colours.
        Assert.Equal(8, Regex.Matches(html, "src=\"data:image/svg\\+xml;base64,").Count);
        // Pictures inline: 2 scenes x (image, truth, 2 predictions) + 1 unlabelled scene x 4.
        Assert.Equal(12, Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        Assert.Contains("<td>12.5</td>", html);      // alpha_t of the unlabelled scene
        Assert.Contains("method: u2pl", html);       // its config.yaml
        Assert.DoesNotContain("src=\"report_figures", html);   // self-contained: figure files are only linked
        // Curves run against the training step (the fake runs evaluate at steps 10, 20, 30), not the epoch.
        // (The learning-rate chart's y ticks are below 0.02, so a tick "30" can only be a step.)
        var rate = File.ReadAllText(Path.Combine(output.FiguresDirectory, "learning_rate.svg"));
        var rateTexts = XDocument.Parse(rate).Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
        Assert.Contains("training step", rateTexts);
        Assert.Contains("30", rateTexts);
    }

    [Fact]
    public void FigureFilesAreValidSvgWithOnePolylinePerRunAndDecodablePngs()
    {
        using var dir = new ScratchDirectory();
        var output = RunReport.Write(TwoRuns(dir), dir.Combine("report.html"));
        var names = output.FigureFiles.Select(Path.GetFileName).ToHashSet();
        foreach (var stem in new[] { "miou", "learning_rate", "loss_sup", "loss_unsup", "loss_contrastive", "loss_total", "per_class_iou", "class_colors" })
        {
            Assert.Contains(stem + ".svg", names);
            Assert.Contains(stem + ".png", names);
        }
        Assert.Contains("validation_scenes.png", names);
        Assert.Contains("unlabeled_2_u2pl_1-8.png", names);

        // A run's line is the path stroked in its colour with one point per evaluation (the legend's sample has two).
        int Points(string stem, string hex) => XDocument.Load(Path.Combine(output.FiguresDirectory, stem + ".svg")).Descendants(Svg + "path")
            .Where(p => string.Equals((string?)p.Attribute("stroke"), hex, StringComparison.OrdinalIgnoreCase))
            .Select(p => Regex.Matches(p.Attribute("d")!.Value, "[ML]").Count).DefaultIfEmpty(0).Max();
        const string first = "#1f77b4", second = "#ff7f0e";
        Assert.Equal((3, 3), (Points("miou", first), Points("miou", second)));   // three evaluations each
        Assert.Equal((3, 3), (Points("loss_sup", first), Points("loss_sup", second)));
        Assert.Equal((0, 3), (Points("loss_unsup", first), Points("loss_unsup", second)));   // only U2PL has an unsupervised loss
        // Three classes for two runs, but "trousers" has no IoU in either: four bars, and a legend swatch per run.
        Assert.Equal(4 + 2, XDocument.Load(Path.Combine(output.FiguresDirectory, "per_class_iou.svg")).Descendants(Svg + "rect")
            .Count(r => (string?)r.Attribute("fill") is { } fill && (fill.Equals(first, StringComparison.OrdinalIgnoreCase) || fill.Equals(second, StringComparison.OrdinalIgnoreCase))));

        var chart = PngFile.Read(Path.Combine(output.FiguresDirectory, "miou.png"));
        Assert.Equal((720, 360), (chart.Width, chart.Height));
        Assert.Contains(new Rgb(31, 119, 180), Colors(chart));
        Assert.Contains(new Rgb(255, 127, 14), Colors(chart));
    }

    [Fact]
    public void SceneGridPngHasEachRunsPredictionInPaletteColours()
    {
        using var dir = new ScratchDirectory();
        var output = RunReport.Write(TwoRuns(dir), dir.Combine("report.html"));
        var grid = PngFile.Read(Path.Combine(output.FiguresDirectory, "validation_scenes.png"));
        // 6 x 8 scenes are enlarged 12 times to 72 x 96. Columns: image, truth, two runs; rows: two scenes.
        // Width: gap 6 + row labels ("s1" + 6) + 4 x 96 + 4 gaps; height: header 20 + 6 + 2 x 72 + 2 gaps.
        var labelRoom = PictureText.Measure("s1") + 6;
        Assert.Equal((6 + labelRoom + 4 * 96 + 4 * 6, 182), (grid.Width, grid.Height));
        int Left(int column) => 6 + labelRoom + column * (96 + 6);
        const int top = 26;
        Assert.Equal(new Rgb(50, 60, 200), grid[top + 5 * 12, Left(0) + 3 * 12]);        // picture pixel (5, 3)
        Assert.Equal(new Rgb(128, 0, 0), grid[top + 2 * 12 + 5, Left(1) + 1 * 12 + 5]);   // truth: shirt
        Assert.Equal(new Rgb(0, 128, 0), grid[top + 2 * 12 + 5, Left(1) + 6 * 12 + 5]);   // truth: trousers
        Assert.Equal(new Rgb(0, 0, 0), grid[top + 2 * 12 + 5, Left(2) + 7 * 12 + 5]);     // supervised: background column
        Assert.Equal(new Rgb(128, 0, 0), grid[top + 72 + 6 + 5, Left(3) + 5]);            // u2pl, second scene

        var panel = PngFile.Read(Path.Combine(output.FiguresDirectory, "unlabeled_2_u2pl_1-8.png"));
        Assert.Equal(20 + 6 + 72 + 6, panel.Height);
        Assert.Contains(VisualsWriter.UnreliableColor, Colors(panel));
        Assert.Contains(new Rgb(253, 231, 37), Colors(panel));
    }

    [Fact]
    public void ReportCommandWritesThePageAndFailsCleanlyOnABadDirectory()
    {
        using var dir = new ScratchDirectory();
        var runs = TwoRuns(dir);
        var html = dir.Combine("cli.html");
        Assert.Equal(0, Cli("report", runs[0], runs[1], "--out", html));
        Assert.True(File.Exists(html));
        Assert.True(File.Exists(dir.Combine("cli_figures", "miou.svg")));
        Assert.Equal(1, Cli("report", dir.Combine("no-such-run"), "--out", dir.Combine("bad.html")));
        Assert.False(File.Exists(dir.Combine("bad.html")));
    }

    /// <summary>Runs the semiseg entry point in-process, as `semiseg ARGS` would.</summary>
    private static int Cli(params string[] args)
    {
        var entry = Assembly.Load("SemiSeg.Cli").EntryPoint!;
        return (int)entry.Invoke(null, new object[] { args })!;
    }

    private static HashSet<Rgb> Colors(RgbImage image)
    {
        var colors = new HashSet<Rgb>();
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++) colors.Add(image[y, x]);
        return colors;
    }
}
