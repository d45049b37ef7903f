using System.Text.Json.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// summary.json: what a finished (or evaluated) run achieved. Epochs are 0-based in the files, as
/// in the official checkpoints and metrics.jsonl's "epoch"; people read them 1-based (console,
/// report), so the file also carries best_epoch_number, the best epoch as the console names it.
/// </summary>
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
    [property: JsonPropertyName("seed")] ulong Seed,
    // The U2PL profile (trainer.profile) a run trained under, null for methods without profiles; records
    // written before the field existed read as null. The official-code runner writes "official" here too.
    [property: JsonPropertyName("profile")] string? Profile = null,
    // Replicas a step stood for: the worker processes of a data-parallel run, or trainer.world_size simulated
    // in one process under a profile (a multi-process run requires trainer.world_size 1); 1 in older files.
    [property: JsonPropertyName("world_size")] int WorldSize = 1)
{
    /// <summary>The best epoch 1-based (epoch 1 is the first), as people read it; null before any evaluation.</summary>
    [JsonPropertyName("best_epoch_number")]
    public int? BestEpochNumber => BestEpoch >= 0 ? BestEpoch + 1 : null;
}
