namespace SemiSeg.Cli.Commands;

/// <summary>The network of a checkpoint that eval or predict uses: its key, name, why it was chosen, and what the checkpoint records.</summary>
/// <param name="Epoch">epochs finished when the checkpoint was written, when recorded</param>
/// <param name="RecordedMeanIoU">the mIoU training measured for this checkpoint (ckpt_best.pth), when recorded</param>
/// <param name="StepsIntoEpoch">for a checkpoint written part way through an epoch (a stop signal): the steps of
/// that epoch (<paramref name="Epoch"/> + 1) already trained; null for one written at an epoch's end</param>
internal sealed record CheckpointModel(string? Key, string Name, string Reason, int? Epoch, double? RecordedMeanIoU, int? StepsIntoEpoch = null)
{
    /// <summary>Where training stood, as a person reads it: "after epoch 3", "after epoch 3 and 12 steps of epoch 4 (stopped part way)".</summary>
    public string? Describe() => (Epoch, StepsIntoEpoch) switch
    {
        (null, _) => null,
        ({ } e, { } s) => (e == 0 ? "" : $"after epoch {e} and ") + $"{s} step{(s == 1 ? "" : "s")} of epoch {e + 1} (stopped part way through it)",
        ({ } e, null) => $"after epoch {e}",
    };
}
