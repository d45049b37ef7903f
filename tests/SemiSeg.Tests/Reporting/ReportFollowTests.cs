using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SemiSeg.Reporting;
using SemiSeg.Training;

namespace SemiSeg.Tests.Reporting;

/// <summary>Per-step curves from steps.jsonl, and `semiseg report --follow` over a run that is still going.</summary>
public sealed class ReportFollowTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>A run's steps.jsonl: a line every 5 steps up to step 30, loss "sup" = 1 / step.</summary>
    private static void WriteSteps(string run)
    {
        var lines = Enumerable.Range(1, 6).Select(k => JsonSerializer.Serialize(new StepRecord(5 * k, (5 * k - 1) / 10,
            new Dictionary<string, double> { ["sup"] = 1.0 / (5 * k) }, 0.01 * (1 - k / 6.0), 5, 2.5, 0.1 * k)));
        File.WriteAllText(Path.Combine(run, StepLog.FileName), string.Join("\n", lines) + "\n");
    }

    /// <summary>The run as the trainer leaves it mid-run: two of its three epochs recorded, no pictures yet.</summary>
    private static void MakeUnfinished(string run)
    {
        var metrics = Path.Combine(run, RunRecord.MetricsFileName);
        File.WriteAllLines(metrics, File.ReadAllLines(metrics).Take(2));
        Directory.Delete(Path.Combine(run, VisualsWriter.FolderName), recursive: true);
    }

    [Fact]
    public void TheReportDrawsPerStepCurvesOfTheRunsThatLoggedSteps()
    {
        using var dir = new ScratchDirectory();
        var logged = FakeRun.Write(dir.Combine("runs", "u2pl_1-8"), "u2pl", 0.52, 0.51, new[] { "sup", "unsup" }, unlabeledScene: false);
        var quiet = FakeRun.Write(dir.Combine("runs", "suponly_1-8"), "supervised", 0.45, 0.44, new[] { "sup" }, unlabeledScene: false);
        WriteSteps(logged);
        var output = RunReport.Write(new[] { logged, quiet }, dir.Combine("report.html"));
        var names = output.FigureFiles.Select(Path.GetFileName).ToHashSet();
        foreach (var stem in new[] { "step_loss_sup", "step_learning_rate", "step_data_wait" })
            Assert.Contains(stem + ".svg", names);
        // Six points for the run that logged steps (its colour is the first series'), none for the other.
        var svg = XDocument.Load(Path.Combine(output.FiguresDirectory, "step_loss_sup.svg"));
        int Points(string hex) => svg.Descendants(Svg + "path")
            .Where(p => string.Equals((string?)p.Attribute("stroke"), hex, StringComparison.OrdinalIgnoreCase))
            .Select(p => Regex.Matches(p.Attribute("d")!.Value, "[ML]").Count).DefaultIfEmpty(0).Max();
        Assert.Equal((6, 0), (Points("#1f77b4"), Points("#ff7f0e")));
        Assert.Contains("Per-step curves", File.ReadAllText(output.HtmlPath));
        Assert.Empty(output.Running);

        var none = RunReport.Write(new[] { quiet }, dir.Combine("quiet.html"));
        Assert.DoesNotContain(none.FigureFiles, f => Path.GetFileName(f).StartsWith("step_"));
        Assert.Contains("No run wrote steps.jsonl", File.ReadAllText(none.HtmlPath));
    }

    /// <summary>A run of the official code (official.json beside its records) has no pictures: its last epoch finishes it.</summary>
    [Fact]
    public void ARunOfTheOfficialCodeIsFinishedByItsLastEpoch()
    {
        using var dir = new ScratchDirectory();
        var run = FakeRun.Write(dir.Combine("runs", "official-u2pl"), "u2pl", 0.52, 0.51, new[] { "sup" }, unlabeledScene: false);
        Directory.Delete(Path.Combine(run, VisualsWriter.FolderName), recursive: true);
        Assert.False(RunRecord.Load(run).IsFinished);   // ours without its pictures: still going
        File.WriteAllText(Path.Combine(run, RunRecord.OfficialRecordFileName), "{}");
        Assert.True(RunRecord.Load(run).IsFinished);
        var metrics = Path.Combine(run, RunRecord.MetricsFileName);
        File.WriteAllLines(metrics, File.ReadAllLines(metrics).Take(2));   // two of its three epochs
        Assert.False(RunRecord.Load(run).IsFinished);
    }

    [Fact]
    public async Task FollowRewritesTheReportUntilTheRunFinishes()
    {
        using var dir = new ScratchDirectory();
        var run = FakeRun.Write(dir.Combine("runs", "u2pl_1-8"), "u2pl", 0.52, 0.51, new[] { "sup" }, unlabeledScene: false);
        MakeUnfinished(run);
        var html = dir.Combine("live.html");
        var log = new List<string>();
        var firstWrite = new ManualResetEventSlim();
        var follower = Task.Run(() => ReportFollower.Follow(new[] { run }, html, TimeSpan.FromMilliseconds(20), line =>
        {
            lock (log) log.Add(line);
            firstWrite.Set();
        }, CancellationToken.None));
        Assert.True(firstWrite.Wait(TimeSpan.FromMinutes(2)));
        Assert.Contains("u2pl_1-8 is still going: 2 of 3 epochs recorded", File.ReadAllText(html));
        FakeRun.Write(run, "u2pl", 0.52, 0.51, new[] { "sup" }, unlabeledScene: false);   // the run finishes
        var writes = await follower.WaitAsync(TimeSpan.FromMinutes(2));   // a TimeoutException if --follow did not stop
        Assert.True(writes >= 2);
        Assert.DoesNotContain("still going", File.ReadAllText(html));
        lock (log)
        {
            Assert.Contains(log, l => l.Contains("still going: u2pl_1-8"));
            Assert.EndsWith("every run has finished", log[^1]);
        }
    }

    [Fact]
    public void FollowWaitsForARunWithoutSummaryAndStopsWhenCancelled()
    {
        using var dir = new ScratchDirectory();
        var run = dir.Combine("runs", "starting");
        Directory.CreateDirectory(run);
        using var cancel = new CancellationTokenSource();
        var log = new List<string>();
        var writes = ReportFollower.Follow(new[] { run }, dir.Combine("r.html"), TimeSpan.FromMilliseconds(10), line =>
        {
            log.Add(line);
            cancel.Cancel();
        }, cancel.Token);
        Assert.Equal(0, writes);
        Assert.StartsWith("waiting: ", Assert.Single(log));
        Assert.Contains("summary.json", log[0]);

        var missing = Assert.Throws<ReportException>(() =>
            ReportFollower.Follow(new[] { dir.Combine("no-such-run") }, dir.Combine("r.html"), TimeSpan.FromSeconds(1), _ => { }, CancellationToken.None));
        Assert.Contains("no-such-run", missing.Message);
    }
}
