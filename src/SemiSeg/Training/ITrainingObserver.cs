namespace SemiSeg.Training;

/// <summary>Progress of a training run, for a console display or a log.</summary>
public interface ITrainingObserver
{
    void OnStart(RunPlan plan);
    void OnStep(StepReport report);
    void OnEvaluation(EvaluationRecord record, bool isBest);
    void OnMessage(string message);
}

/// <summary>What a run will do: epochs and steps, data sizes, the resume point.</summary>
public sealed record RunPlan(string Method, int Epochs, int StartEpoch, int StepsPerEpoch, int Labeled, int Unlabeled, int Validation,
                             long Parameters, int Threads, string RunDirectory);

/// <summary>One step's numbers: position, losses, learning rate, time and data wait.</summary>
public sealed record StepReport(int Epoch, int StepInEpoch, int StepsPerEpoch, long Iteration, long TotalIterations,
                                IReadOnlyDictionary<string, double> Losses, double LearningRate, double StepSeconds,
                                double DataWaitSeconds, double ElapsedSeconds);

/// <summary>An observer that does nothing (tests, library use).</summary>
public sealed class SilentObserver : ITrainingObserver
{
    public static readonly SilentObserver Instance = new();
    public void OnStart(RunPlan plan) { }
    public void OnStep(StepReport report) { }
    public void OnEvaluation(EvaluationRecord record, bool isBest) { }
    public void OnMessage(string message) { }
}
