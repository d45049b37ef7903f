using SemiSeg.Reporting;

namespace SemiSeg.Tests.Reporting;

public class ResultsTableTests
{
    private static string[] Runs(ScratchDirectory dir)
    {
        string Run(string name, string method, double best) =>
            FakeRun.Write(dir.Combine(name), method, best, best - 0.01, new[] { "sup", "total" }, unlabeledScene: false);
        return new[]
        {
            Run("suponly-1of8-s0", "suponly", 0.30),
            Run("suponly-1of8-s1", "suponly", 0.34),
            Run("u2pl-1of8-s0", "u2pl", 0.40),
            Run("u2pl-1of16-s0", "u2pl", 0.35),
            Run("abl-no-dpa", "u2pl", 0.38),
        };
    }

    [Fact]
    public void SeedsArePooledIntoMeanAndSampleStandardDeviation()
    {
        using var dir = new ScratchDirectory();
        var rows = ResultsTable.Rows(Runs(dir));
        var suponly = Assert.Single(rows, r => r.Setting == "suponly-1of8");
        Assert.Equal(2, suponly.Seeds);
        Assert.Equal(32.0, suponly.MeanMiou, 9);
        Assert.Equal(Math.Sqrt(8), suponly.StdMiou, 9);   // (30 - 32)^2 + (34 - 32)^2 over n - 1 = 1
        Assert.Equal(31.0, suponly.MeanFinalMiou, 9);
        Assert.Equal(612.5 / 60, suponly.MeanMinutes, 9);
        Assert.Equal(4, rows.Count);
    }

    [Fact]
    public void ARunStillTrainingIsLeftOut()
    {
        using var dir = new ScratchDirectory();
        var runs = Runs(dir).ToList();
        // A run killed after its first epoch: its summary (rewritten every epoch) names 3 epochs, its metrics hold 1.
        var partial = FakeRun.Write(dir.Combine("u2pl-1of4-s0"), "u2pl", 0.9, 0.9, new[] { "sup", "total" }, unlabeledScene: false);
        var metrics = Path.Combine(partial, "metrics.jsonl");
        File.WriteAllText(metrics, File.ReadAllLines(metrics)[0] + "\n");
        runs.Add(partial);
        Assert.False(ResultsTable.IsFinished(partial));
        Assert.True(ResultsTable.IsFinished(runs[0]));
        Assert.DoesNotContain(ResultsTable.Rows(runs), r => r.Setting == "u2pl-1of4");
        Assert.Equal(4, ResultsTable.Rows(runs).Count);
    }

    [Fact]
    public void TheGridHasMethodsDownSplitsAcrossAndTheGainOverSupOnly()
    {
        using var dir = new ScratchDirectory();
        var lines = ResultsTable.Grid(ResultsTable.Rows(Runs(dir))).TrimEnd().Split('\n');
        Assert.Equal("| method | 1/16 (183) | 1/8 (183) |", lines[0]);
        Assert.Equal("| suponly | - | 32.00 ± 2.83 (2 seeds) |", lines[2]);
        Assert.Equal("| u2pl | 35.00 | 40.00 |", lines[3]);
        Assert.Equal("| u2pl − suponly | - | +8.00 |", lines[4]);
        Assert.Equal(5, lines.Length);   // the ablation is not a method-split setting
    }

    [Fact]
    public void OtherSettingsAreComparedWithTheReferenceRun()
    {
        using var dir = new ScratchDirectory();
        var rows = ResultsTable.Rows(Runs(dir));
        var lines = ResultsTable.Others(rows, "u2pl-1of8-s0").TrimEnd().Split('\n');
        Assert.Equal("| setting | best mIoU % | Δ vs u2pl-1of8 (40.00) | minutes |", lines[0]);
        Assert.Equal("| abl-no-dpa | 38.00 | -2.00 | 10.2 |", lines[2]);
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain("Δ", ResultsTable.Others(rows, reference: null));
    }

    [Fact]
    public void TheLabelCurveHasOneLinePerMethodAtLog2OfTheLabelledCountAndTheSeedMean()
    {
        using var dir = new ScratchDirectory();
        var rows = ResultsTable.Rows(Runs(dir));
        var series = LabelCurve.Series(rows)!;
        Assert.Equal(new[] { "suponly", "u2pl" }, series.Select(s => s.Name));
        var suponly = Assert.Single(series[0].Points);
        Assert.Equal(Math.Log2(183), suponly.X, 12);   // the fake runs have 183 labelled images
        Assert.Equal(32.0, suponly.Y, 9);
        Assert.Equal(new[] { 35.0, 40.0 }, series[1].Points.Select(p => p.Y).Order());

        var png = dir.Combine("figures", "label_curve.png");
        Assert.True(LabelCurve.Write(rows, png));
        var image = SemiSeg.Torch.ImageFile.Read(png, SemiSeg.Torch.ImageReadMode.Color);
        Assert.Equal((ChartFigure.DefaultHeight, ChartFigure.DefaultWidth), (image.Height, image.Width));
        var svg = System.Xml.Linq.XDocument.Load(dir.Combine("figures", "label_curve.svg"));
        Assert.Contains("u2pl", svg.Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value.Trim()));

        Assert.Null(LabelCurve.Series(rows.Where(r => r.Setting == "abl-no-dpa").ToList()));
        Assert.False(LabelCurve.Write(rows.Where(r => r.Setting == "abl-no-dpa").ToList(), dir.Combine("none.png")));
        Assert.False(File.Exists(dir.Combine("none.png")));
    }
}
