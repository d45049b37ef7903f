using System.Text.Json.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// One line of metrics.jsonl: the state of a run after one epoch. The mIoU is null (NaN here) for an
/// epoch that was not evaluated (trainer.eval_on: False, or between trainer.eval_every epochs). With
/// trainer.amp fp16 it also counts the skipped steps and gives the loss scale.
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
    [property: JsonPropertyName("seconds")] double Seconds)
{
    /// <summary>trainer.amp fp16: optimizer steps of the epoch skipped for an inf/NaN gradient (absent otherwise).</summary>
    [JsonPropertyName("amp_skipped_steps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AmpSkippedSteps { get; init; }

    /// <summary>trainer.amp fp16: the loss scale at the end of the epoch (absent otherwise).</summary>
    [JsonPropertyName("loss_scale"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LossScale { get; init; }
}
