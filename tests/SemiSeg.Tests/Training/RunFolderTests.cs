using System.Diagnostics;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// The run folder advances one epoch at a time: ckpt.pth commits, ckpt_best.pth, metrics.jsonl and
/// summary.json follow and are completed by the next start; a plain train never writes over a run;
/// leftovers of interrupted writes go; one train at a time holds the folder.
/// </summary>
public class RunFolderTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public RunFolderTests(TinyFashionRun tiny) => this.tiny = tiny;

    // A full disk at each write of the second epoch (the test hook fails every write of that file name).
    [Theory]
    [InlineData(Checkpoint.Last)]
    [InlineData(Checkpoint.Best)]
    [InlineData("metrics.jsonl")]
    [InlineData("summary.json")]
    public void AFailedWriteNamesTheFileAndResumeEndsLikeAnUninterruptedRun(string failing)
    {
        var path = tiny.WriteConfig("suponly");
        var whole = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), whole).Run();

        var run = tiny.NewRunDirectory();
        var error = Assert.Throws<IOException>(() => WithVariable(AtomicFile.FailVariable, failing, () => new Trainer(ExperimentConfig.Load(path), run).Run()));
        Assert.Contains(Path.Combine(Path.GetFullPath(run), failing), error.Message);
        Assert.Contains("No space left on device", error.Message);
        Assert.Empty(Directory.GetFiles(run, ".*.tmp"));
        Assert.Equal(Array.Empty<string>(), RunFolderCheck.Problems(run));

        // A failed commit leaves no checkpoint, so the run starts again; otherwise it resumes.
        new Trainer(ExperimentConfig.Load(path), run).Run(resume: File.Exists(Path.Combine(run, Checkpoint.Last)));
        Assert.Equal(Array.Empty<string>(), RunFolderCheck.Problems(run));
        Assert.Empty(RunFolderCheck.Inspect(run).Pending);
        var expected = RunRecords.ReadMetrics(Path.Combine(whole, "metrics.jsonl"));
        var actual = RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(expected.Select(r => r.Epoch), actual.Select(r => r.Epoch));
        for (var k = 0; k < expected.Count; k++) Assert.Equal(expected[k].MeanIoU, actual[k].MeanIoU, 6);
        Assert.Equal(RunRecords.ReadSummary(Path.Combine(whole, "summary.json")).BestEpoch,
                     RunRecords.ReadSummary(Path.Combine(run, "summary.json")).BestEpoch);
    }

    [Fact]
    public void ResumeCompletesTheFollowersOfACommittedEpoch()
    {
        var path = tiny.WriteConfig("suponly");
        var run = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), run).Run();
        // The state a kill right after the commit of the last epoch leaves: only ckpt.pth is new
        // (ckpt_best.pth follows the commit only when the committed epoch is the best).
        var bestEpoch = RunRecords.ReadSummary(Path.Combine(run, "summary.json")).BestEpoch;
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        File.WriteAllLines(Path.Combine(run, "metrics.jsonl"), lines[..^1]);
        File.Delete(Path.Combine(run, "summary.json"));
        if (bestEpoch == 1) File.Delete(Path.Combine(run, Checkpoint.Best));
        Assert.NotEmpty(RunFolderCheck.Problems(run));

        using (var checkpoint = TorchFile.LoadDict(Path.Combine(run, Checkpoint.Last)))
            new RunState(run).Repair(checkpoint);
        Assert.Equal(Array.Empty<string>(), RunFolderCheck.Problems(run));
        Assert.Empty(RunFolderCheck.Inspect(run).Pending);
        Assert.Equal(lines, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")));
    }

    [Fact]
    public void APlainTrainNeverWritesOverACheckpointAndLeftoversAreRemoved()
    {
        var path = tiny.WriteConfig("suponly");
        var run = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), run).Run();
        File.Delete(Path.Combine(run, "metrics.jsonl"));
        var before = File.ReadAllBytes(Path.Combine(run, Checkpoint.Last));
        var error = Assert.Throws<InvalidOperationException>(() => new Trainer(ExperimentConfig.Load(path), run).Run());
        Assert.Contains(Checkpoint.Last, error.Message);
        Assert.Contains("--resume", error.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, Checkpoint.Last)));

        var leftover = Path.Combine(run, ".ckpt.pth.12345.0123.tmp");
        File.WriteAllBytes(leftover, new byte[1000]);
        new Trainer(ExperimentConfig.Load(path), run).Run(resume: true);
        Assert.False(File.Exists(leftover));
    }

    [Fact]
    public void AResumeWithNothingToContinueLeavesNoFolderBehind()
    {
        var run = tiny.NewRunDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => new Trainer(ExperimentConfig.Load(tiny.WriteConfig("suponly")), run).Run(resume: true));
        Assert.Contains(Path.Combine(run, Checkpoint.Last), error.Message);
        Assert.False(Directory.Exists(run), "the refused --resume created the run folder");
    }

    [Fact]
    public void ASecondHolderIsRefusedNamingTheFirstAndTheLockEndsWithItsHolder()
    {
        var run = tiny.NewRunDirectory();
        using (RunFolderLock.Acquire(run, "semiseg train"))
        {
            var error = Assert.Throws<InvalidOperationException>(() => RunFolderLock.Acquire(run, "semiseg train"));
            Assert.Contains($"process {Environment.ProcessId} (semiseg train", error.Message);
            Assert.Contains(Path.GetFullPath(run), error.Message);
            var trainer = Assert.Throws<InvalidOperationException>(() => new Trainer(ExperimentConfig.Load(tiny.WriteConfig("suponly")), run).Run());
            Assert.Contains("in use by", trainer.Message);
        }
        RunFolderLock.Acquire(run, "again").Dispose();

        // Another process holds the same flock; SIGKILL ends it and the kernel releases the lock.
        // -o: only flock itself holds the lock (not its sleep), so the lock ends with the process we kill.
        var holder = Process.Start(new ProcessStartInfo("flock", $"-o {Path.Combine(run, RunFolderLock.FileName)} sleep 60"))!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!IsLocked(run) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.True(IsLocked(run), "flock did not take the lock");
            Assert.Throws<InvalidOperationException>(() => RunFolderLock.Acquire(run, "semiseg train"));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        // The kernel releases the lock as the process dies; allow it a moment on a loaded machine.
        var released = DateTime.UtcNow.AddSeconds(10);
        while (IsLocked(run) && DateTime.UtcNow < released) Thread.Sleep(50);
        RunFolderLock.Acquire(run, "after the kill").Dispose();
    }

    // SIGTERM/Ctrl-C arrive as the stop token: here during the first step of the second epoch (of two steps).
    [Fact]
    public void AStopFinishesTheStepSavesItAndResumeEndsLikeAnUninterruptedRun()
    {
        var path = tiny.WriteConfig("u2pl");
        var whole = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), whole).Run();

        var run = tiny.NewRunDirectory();
        using var stop = new CancellationTokenSource();
        var error = Assert.Throws<TrainingStoppedException>(() =>
            new Trainer(ExperimentConfig.Load(path), run, new StopAtIteration(stop, 2)).Run(stop: stop.Token));
        Assert.Contains("after step 1 of 2 in epoch 2 of 2", error.Message);
        using (var checkpoint = TorchFile.LoadDict(Path.Combine(run, Checkpoint.Last)))
        {
            Assert.Equal(1, checkpoint.GetInt("epoch"));
            Assert.Equal(3, checkpoint.GetInt("step"));
            Assert.True(checkpoint.ContainsKey(Checkpoint.EpochLossesKey));
            // What eval and its JSON say of this checkpoint: not just "after epoch 1".
            var chosen = SemiSeg.Cli.Commands.CheckpointConfig.Select(checkpoint, Checkpoint.Last, "auto");
            Assert.Equal(1, chosen.StepsIntoEpoch);
            Assert.Equal("after epoch 1 and 1 step of epoch 2 (stopped part way through it)", chosen.Describe());
        }
        Assert.Equal(Array.Empty<string>(), RunFolderCheck.Problems(run));

        new Trainer(ExperimentConfig.Load(path), run).Run(resume: true);
        var a = RunRecords.ReadMetrics(Path.Combine(whole, "metrics.jsonl"));
        var b = RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(a.Select(r => r.Epoch), b.Select(r => r.Epoch));
        for (var k = 0; k < a.Count; k++)
        {
            Assert.Equal(a[k].MeanIoU, b[k].MeanIoU, 6);
            foreach (var (name, value) in a[k].Losses) Assert.Equal(value, b[k].Losses[name], 5);
        }
    }

    [Fact]
    public void ResumeRefusesAChangedLearningRateAndRecordsNothing()
    {
        var path = tiny.WriteConfig("suponly");
        var run = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), run).Run();
        var recorded = File.ReadAllText(Path.Combine(run, "config.yaml"));
        foreach (var assignment in new[] { "trainer.optimizer.kwargs.lr=0.5", "trainer.optimizer.head_lr_times=3" })
        {
            var error = Assert.Throws<SemiSeg.ConfigException>(() => new Trainer(ExperimentConfig.Load(path, new[] { assignment }), run).Run(resume: true));
            Assert.Contains(assignment.Split('=')[0], error.Message);
            Assert.Equal(recorded, File.ReadAllText(Path.Combine(run, "config.yaml")));
        }
    }

    [Fact]
    public void ATruncatedValidationImageStopsTheRunBeforeItsFirstStep()
    {
        var data = Path.Combine(tiny.Root, $"data-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(tiny.DataRoot, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(data, Path.GetRelativePath(tiny.DataRoot, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var image = Directory.GetFiles(Path.Combine(data, "images"), "val_*.png").Order().Last();
        var bytes = File.ReadAllBytes(image);
        File.WriteAllBytes(image, bytes[..(bytes.Length / 2)]);
        var path = Path.Combine(tiny.Root, $"truncated-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, tiny.Config("suponly").Replace(tiny.DataRoot, data));

        var steps = new List<StepReport>();
        var error = Assert.Throws<SemiSeg.Data.DatasetException>(() => new Trainer(ExperimentConfig.Load(path), tiny.NewRunDirectory(), new Steps(steps)).Run());
        Assert.Contains(image, error.Message);
        Assert.Empty(steps);
    }

    private sealed class Steps(List<StepReport> steps) : ITrainingObserver
    {
        public void OnStart(RunPlan plan) { }
        public void OnStep(StepReport report) => steps.Add(report);
        public void OnEvaluation(EvaluationRecord record, bool isBest) { }
        public void OnMessage(string message) { }
    }

    private sealed class StopAtIteration(CancellationTokenSource stop, long iteration) : ITrainingObserver
    {
        public void OnStart(RunPlan plan) { }
        public void OnStep(StepReport report) { if (report.Iteration == iteration) stop.Cancel(); }
        public void OnEvaluation(EvaluationRecord record, bool isBest) { }
        public void OnMessage(string message) { }
    }

    private static bool IsLocked(string run)
    {
        try { RunFolderLock.Acquire(run, "probe").Dispose(); return false; }
        catch (InvalidOperationException) { return true; }
    }

    internal static void WithVariable(string name, string value, Action action)
    {
        Environment.SetEnvironmentVariable(name, value);
        try { action(); }
        finally { Environment.SetEnvironmentVariable(name, null); }
    }
}
