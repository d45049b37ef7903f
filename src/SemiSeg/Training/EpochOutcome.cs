namespace SemiSeg.Training;

/// <summary>
/// What one epoch adds to the run folder besides the checkpoint: its metrics.jsonl line, the new
/// summary.json text, and whether ckpt_best.pth becomes this epoch's checkpoint. The checkpoint
/// carries all three (keys <see cref="RecordKey"/> and <see cref="SummaryKey"/>), so the other
/// files can always be brought in line with it (<see cref="RunState.Repair"/>).
/// </summary>
public sealed record EpochOutcome(EvaluationRecord Record, string SummaryText, bool IsBest)
{
    public const string RecordKey = "epoch_record";
    public const string SummaryKey = "summary";
}
