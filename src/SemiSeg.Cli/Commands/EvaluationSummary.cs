using System.Text.Json.Serialization;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// What <c>semiseg eval</c> measured, and only that: the checkpoint, which of its networks and why,
/// the epoch and training score the checkpoint records (null when it records none), and the result.
/// </summary>
internal sealed record EvaluationSummary(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("model_reason")] string ModelReason,
    [property: JsonPropertyName("checkpoint_epochs")] int? CheckpointEpochs,
    [property: JsonPropertyName("recorded_miou")] double? RecordedMeanIoU,
    [property: JsonPropertyName("miou")] double MeanIoU,
    [property: JsonPropertyName("per_class_iou")] double?[] PerClassIoU,
    [property: JsonPropertyName("class_names")] string[] ClassNames,
    [property: JsonPropertyName("pixel_accuracy")] double PixelAccuracy,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("validation_images")] int ValidationImages,
    [property: JsonPropertyName("checkpoint_steps_into_epoch")] int? CheckpointStepsIntoEpoch = null,
    [property: JsonPropertyName("checkpoint_position")] string? CheckpointPosition = null);
