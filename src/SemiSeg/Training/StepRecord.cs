using System.Text.Json.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// One line of steps.jsonl (<see cref="StepLog"/>): the training step it was written after (steps
/// done, as metrics.jsonl's "step"), its epoch (0-based, as in metrics.jsonl), each loss term
/// averaged over the steps since the previous line, the learning rate at this step, and the
/// seconds the steps since the previous line spent computing and waiting for data.
/// </summary>
public sealed record StepRecord(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("losses")] IReadOnlyDictionary<string, double> Losses,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("step_seconds")] double StepSeconds,
    [property: JsonPropertyName("data_wait_seconds")] double DataWaitSeconds);
