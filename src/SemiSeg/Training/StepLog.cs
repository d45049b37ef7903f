using System.Text.Json;

namespace SemiSeg.Training;

/// <summary>
/// trainer.log_every: every N training steps a line in the run folder's steps.jsonl with the loss
/// terms, learning rate and data wait (<see cref="StepRecord"/>), the per-step curves that users of
/// the official code watch in TensorBoard. It wraps the run's observer, so the trainer only hands
/// it the steps it already reports. Lines are appended whole (<see cref="AtomicFile.AppendLine"/>);
/// when a run starts, lines past its start step are dropped first, so a resumed run that redoes
/// the steps after its checkpoint neither repeats nor loses a line.
/// </summary>
public sealed class StepLog : ITrainingObserver
{
    public const string FileName = "steps.jsonl";

    private readonly ITrainingObserver inner;
    private readonly int every;
    private readonly string path;
    private readonly LossAverages losses = new();
    private int steps, lastEpoch = -1;
    private double stepSeconds, waitSeconds, lastEpochWait;

    private StepLog(ITrainingObserver inner, int every, string path)
    {
        this.inner = inner;
        this.every = every;
        this.path = path;
    }

    /// <summary><paramref name="inner"/> itself when <paramref name="every"/> is 0 (logging off), else it wrapped in a step log.</summary>
    public static ITrainingObserver Around(ITrainingObserver inner, int every, string runDirectory) =>
        every <= 0 ? inner : new StepLog(inner, every, Path.Combine(runDirectory, FileName));

    public void OnStart(RunPlan plan)
    {
        Truncate(path, (long)plan.StartEpoch * plan.StepsPerEpoch);
        inner.OnStart(plan);
    }

    public void OnStep(StepReport report)
    {
        // The report's data wait runs from the start of its epoch; the line wants the wait since the last line.
        var epochWait = report.Epoch == lastEpoch ? report.DataWaitSeconds - lastEpochWait : report.DataWaitSeconds;
        (lastEpoch, lastEpochWait) = (report.Epoch, report.DataWaitSeconds);
        waitSeconds += epochWait;
        stepSeconds += report.StepSeconds;
        losses.Add(report.Losses);
        steps++;
        var done = report.Iteration + 1;
        if (done % every == 0 || done == report.TotalIterations)
        {
            var record = new StepRecord(done, report.Epoch, losses.Averages(), report.LearningRate, steps, stepSeconds, waitSeconds);
            AtomicFile.AppendLine(path, JsonSerializer.Serialize(record));
            losses.Clear();
            (steps, stepSeconds, waitSeconds) = (0, 0, 0);
        }
        inner.OnStep(report);
    }

    public void OnEvaluation(EvaluationRecord record, bool isBest) => inner.OnEvaluation(record, isBest);

    public void OnMessage(string message) => inner.OnMessage(message);

    /// <summary>The file's lines, in order; a missing file has none.</summary>
    public static IReadOnlyList<StepRecord> Read(string path)
    {
        if (!File.Exists(path)) return Array.Empty<StepRecord>();
        var records = new List<StepRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                records.Add(JsonSerializer.Deserialize<StepRecord>(line) ?? throw new JsonException("the line holds null"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} line {number}: not a step record ({e.Message})", e);
            }
        }
        return records;
    }

    /// <summary>
    /// Keeps the lines of steps up to <paramref name="startStep"/> (the resume point; 0 for a new
    /// run). A last line cut short by a killed process is dropped; a bad line before it is an error.
    /// </summary>
    private static void Truncate(string path, long startStep)
    {
        if (!File.Exists(path)) return;
        var lines = File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        var kept = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            StepRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<StepRecord>(lines[i]);
            }
            catch (JsonException e) when (i == lines.Count - 1)
            {
                _ = e;   // the torn tail of a killed run: its step is redone after the checkpoint anyway
                break;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: line {i + 1} is not a step record ({e.Message})", e);
            }
            if (record is not null && record.Step <= startStep) kept.Add(lines[i] + "\n");
        }
        AtomicFile.WriteAllText(path, string.Concat(kept));
    }
}
