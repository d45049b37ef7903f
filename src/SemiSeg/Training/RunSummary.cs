using System.Text.Json.Serialization;

namespace SemiSeg.Training;

/// <summary>summary.json: what a finished (or evaluated) run achieved.</summary>
public sealed record RunSummary(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("best_miou"), JsonConverter(typeof(NaNAsNullConverter))] double BestMeanIoU,
    [property: JsonPropertyName("best_epoch")] int BestEpoch,
    [property: JsonPropertyName("final_miou"), JsonConverter(typeof(NaNAsNullConverter))] double FinalMeanIoU,
    [property: JsonPropertyName("per_class_iou")] double?[] PerClassIoU,
    [property: JsonPropertyName("class_names")] string[] ClassNames,
    [property: JsonPropertyName("train_seconds")] double TrainSeconds,
    [property: JsonPropertyName("labeled")] int Labeled,
    [property: JsonPropertyName("unlabeled")] int Unlabeled,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("seed")] ulong Seed)
{
    /// <summary>Worker processes of a data-parallel run (1 for one process); absent in older files.</summary>
    [JsonPropertyName("world_size")] public int WorldSize { get; init; } = 1;
}
