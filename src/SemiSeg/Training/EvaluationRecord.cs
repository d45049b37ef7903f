using System.Text.Json.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// One line of metrics.jsonl: the state of a run after one epoch. The mIoU is null (NaN here) for an
/// epoch that was not evaluated (trainer.eval_on: False, or between trainer.eval_every epochs).
/// </summary>
public sealed record EvaluationRecord(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("miou"), JsonConverter(typeof(NaNAsNullConverter))] double MeanIoU,
    [property: JsonPropertyName("per_class_iou")] double?[] PerClassIoU,
    [property: JsonPropertyName("losses")] IReadOnlyDictionary<string, double> Losses,
    [property: JsonPropertyName("learning_rate")] double LearningRate,
    [property: JsonPropertyName("evaluated_model")] string EvaluatedModel,
    [property: JsonPropertyName("data_wait_seconds")] double DataWaitSeconds,
    [property: JsonPropertyName("seconds")] double Seconds);
