using System.Text.Json.Serialization;

namespace SemiSeg.Training;

/// <summary>One line of metrics.jsonl: the state of a run at one evaluation.</summary>
public sealed record EvaluationRecord(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("miou")] double MeanIoU,
    [property: JsonPropertyName("per_class_iou")] double?[] PerClassIoU,
    [property: JsonPropertyName("losses")] IReadOnlyDictionary<string, double> Losses,
    [property: JsonPropertyName("learning_rate")] double LearningRate,
    [property: JsonPropertyName("evaluated_model")] string EvaluatedModel,
    [property: JsonPropertyName("data_wait_seconds")] double DataWaitSeconds,
    [property: JsonPropertyName("seconds")] double Seconds);
