namespace SemiSeg.Cli.Commands;

/// <summary>The network of a checkpoint that eval or predict uses: its key, name, why it was chosen, and what the checkpoint records.</summary>
/// <param name="Epoch">epochs finished when the checkpoint was written, when recorded</param>
/// <param name="RecordedMeanIoU">the mIoU training measured for this checkpoint (ckpt_best.pth), when recorded</param>
internal sealed record CheckpointModel(string? Key, string Name, string Reason, int? Epoch, double? RecordedMeanIoU);
