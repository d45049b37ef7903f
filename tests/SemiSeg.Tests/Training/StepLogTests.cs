using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>steps.jsonl (trainer.log_every) written by <see cref="StepLog"/> around the run's observer.</summary>
public sealed class StepLogTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "semiseg-steplog-tests", Guid.NewGuid().ToString("N"));

    public StepLogTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string FilePath => Path.Combine(directory, StepLog.FileName);

    /// <summary>Step i (0-based iteration) of 3-step epochs: loss "sup" = i, lr = 1 / (i + 1), 0.5 s of data wait per step.</summary>
    private static StepReport Step(long iteration, long total = 6) => new(
        (int)(iteration / 3), (int)(iteration % 3), 3, iteration, total, new Dictionary<string, double> { ["sup"] = iteration },
        1.0 / (iteration + 1), 0.25, 0.5 * (iteration % 3 + 1), iteration);

    private static RunPlan Plan(int startEpoch) => new("u2pl", 2, startEpoch, 3, 4, 8, 2, 100, 1, "run");

    [Fact]
    public void EveryNthStepWritesTheMeansSinceThePreviousLineAndTheLastStepAlways()
    {
        var inner = new Counting();
        var log = StepLog.Around(inner, 4, directory);
        log.OnStart(Plan(0));
        for (var i = 0; i < 6; i++) log.OnStep(Step(i));
        var lines = StepLog.Read(FilePath);
        Assert.Equal(new long[] { 4, 6 }, lines.Select(l => l.Step));
        Assert.Equal(new[] { 1, 1 }, lines.Select(l => l.Epoch));
        Assert.Equal((0 + 1 + 2 + 3) / 4.0, lines[0].Losses["sup"], 12);
        Assert.Equal((4 + 5) / 2.0, lines[1].Losses["sup"], 12);
        Assert.Equal(1.0 / 4, lines[0].LearningRate, 12);   // the rate of the step the line is written after
        Assert.Equal(new[] { 4, 2 }, lines.Select(l => l.Steps));
        Assert.Equal(4 * 0.25, lines[0].StepSeconds, 12);
        // The report's wait counts from its epoch's start (0.5, 1.0, 1.5, then 0.5 again): 0.5 a step, across the epoch boundary too.
        Assert.Equal(4 * 0.5, lines[0].DataWaitSeconds, 12);
        Assert.Equal(2 * 0.5, lines[1].DataWaitSeconds, 12);
        Assert.Equal((1, 6), (inner.Starts, inner.Steps));   // everything still reaches the run's observer
    }

    [Fact]
    public void AResumedRunDropsTheLinesPastItsCheckpointAndATornLastLine()
    {
        var first = StepLog.Around(SilentObserver.Instance, 1, directory);
        first.OnStart(Plan(0));
        for (var i = 0; i < 5; i++) first.OnStep(Step(i));   // killed in epoch 1, after the checkpoint of epoch 0 (step 3)
        File.AppendAllText(FilePath, "{\"step\":6,\"epo");
        var resumed = StepLog.Around(SilentObserver.Instance, 1, directory);
        resumed.OnStart(Plan(1));
        for (var i = 3; i < 6; i++) resumed.OnStep(Step(i));
        var lines = StepLog.Read(FilePath);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, lines.Select(l => l.Step));
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5 }, lines.Select(l => l.Losses["sup"]));
    }

    [Fact]
    public void ANewRunInAFolderWithAnOldLogStartsItAfresh()
    {
        File.WriteAllText(FilePath, "{\"step\":1,\"epoch\":0,\"losses\":{\"sup\":9},\"lr\":0,\"steps\":1,\"step_seconds\":0,\"data_wait_seconds\":0}\n");
        var log = StepLog.Around(SilentObserver.Instance, 1, directory);
        log.OnStart(Plan(0));
        log.OnStep(Step(0));
        Assert.Equal(0, Assert.Single(StepLog.Read(FilePath)).Losses["sup"]);
    }

    [Fact]
    public void ZeroTurnsTheLogOffAndABadLineIsNamed()
    {
        var inner = new Counting();
        Assert.Same(inner, StepLog.Around(inner, 0, directory));
        File.WriteAllText(FilePath, "not json\n{\"step\":1}\n");
        var error = Assert.Throws<InvalidDataException>(() => StepLog.Read(FilePath));
        Assert.Contains($"{FilePath} line 1", error.Message);
    }

    private sealed class Counting : ITrainingObserver
    {
        public int Starts, Steps;
        public void OnStart(RunPlan plan) => Starts++;
        public void OnStep(StepReport report) => Steps++;
        public void OnEvaluation(EvaluationRecord record, bool isBest) { }
        public void OnMessage(string message) { }
    }
}
