using SemiSeg.Reporting;

namespace SemiSeg.Tests.Reporting;

/// <summary>A bad run directory gives one error naming the directory or file (and line) at fault.</summary>
public sealed class RunReportErrorTests
{
    private static ReportException Fails(ScratchDirectory dir, params string[] runs) =>
        Assert.Throws<ReportException>(() => RunReport.Write(runs, dir.Combine("report.html")));

    private static string GoodRun(ScratchDirectory dir, string name = "run") =>
        FakeRun.Write(dir.Combine(name), "u2pl", 0.5, 0.5, new[] { "sup" }, unlabeledScene: true);

    [Fact]
    public void MissingDirectory()
    {
        using var dir = new ScratchDirectory();
        var error = Fails(dir, dir.Combine("nowhere"));
        Assert.Equal($"{dir.Combine("nowhere")}: run directory does not exist", error.Message);
        Assert.False(File.Exists(dir.Combine("report.html")));
        Assert.Throws<ReportException>(() => RunReport.Write(Array.Empty<string>(), dir.Combine("report.html")));
    }

    [Fact]
    public void MissingSummaryOrMetrics()
    {
        using var dir = new ScratchDirectory();
        var run = GoodRun(dir);
        File.Delete(Path.Combine(run, "metrics.jsonl"));
        Assert.StartsWith($"{Path.Combine(run, "metrics.jsonl")}: missing", Fails(dir, run).Message);
        File.Delete(Path.Combine(run, "summary.json"));
        Assert.StartsWith($"{Path.Combine(run, "summary.json")}: missing", Fails(dir, run).Message);
    }

    [Fact]
    public void BrokenMetricsLineIsNamedByNumber()
    {
        using var dir = new ScratchDirectory();
        var run = GoodRun(dir);
        var path = Path.Combine(run, "metrics.jsonl");
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1][..(lines[1].Length / 2)];   // a line cut short, as by a crash mid-write
        File.WriteAllLines(path, lines);
        Assert.StartsWith($"{path} line 2: not a valid evaluation record", Fails(dir, run).Message);
    }

    [Fact]
    public void MissingSummaryFieldIsNamed()
    {
        using var dir = new ScratchDirectory();
        var run = GoodRun(dir);
        var path = Path.Combine(run, "summary.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"best_miou\":0.5,", ""));
        var message = Fails(dir, run).Message;
        Assert.StartsWith($"{path}: not a valid run summary", message);
        Assert.Contains("best_miou", message);

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"class_names\":[\"background\",\"shirt\",\"trousers\"]", "\"class_names\":[\"a\",\"b\"]")
                                                           .Replace("{", "{\"best_miou\":0.5,"));
        Assert.Contains("'per_class_iou' has 3 values for 2 'class_names'", Fails(dir, run).Message);
    }

    [Fact]
    public void VisualsManifestListingAMissingPicture()
    {
        using var dir = new ScratchDirectory();
        var run = GoodRun(dir);
        var picture = Path.Combine(run, "visuals", "unlabeled_u1_entropy.png");
        File.Delete(picture);
        Assert.Equal($"{Path.Combine(run, "visuals", "visuals.json")}: lists unlabeled_u1_entropy.png, but {picture} does not exist",
                     Fails(dir, run).Message);
    }

    [Fact]
    public void RunsOfDifferentDatasets()
    {
        using var dir = new ScratchDirectory();
        var first = GoodRun(dir, "a");
        var second = GoodRun(dir, "b");
        var path = Path.Combine(second, "summary.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"trousers\"", "\"dress\""));
        var message = Fails(dir, first, second).Message;
        Assert.StartsWith($"{path}: class_names [background, shirt, dress] differ", message);
        Assert.Contains(Path.Combine(first, "summary.json"), message);
    }
}
