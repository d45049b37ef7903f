namespace SemiSeg.Methods;

/// <summary>
/// The teacher's exponential moving average: <c>net.ema_decay</c> and <c>trainer.sup_only_epoch</c>.
/// Defaults are U2PL's (0.99, one warm-start epoch as the official code reads an absent key);
/// <see cref="Imas"/> gives iMAS's (0.996, no warm start, buffers averaged too).
/// </summary>
public sealed record EmaOptions
{
    /// <summary>net.ema_decay: the largest decay the ramp reaches.</summary>
    public double Decay { get; init; } = 0.99;

    /// <summary>trainer.sup_only_epoch: epochs of supervised training before the teacher is used.</summary>
    public int SupOnlyEpoch { get; init; } = 1;

    /// <summary>Average buffers (batch-norm statistics) too, as iMAS does; U2PL averages parameters only.</summary>
    public bool IncludeBuffers { get; init; }

    /// <summary>
    /// iMAS's schedule: decay 0 (the teacher follows the student) through epoch sup_only_epoch, the
    /// ramp from the next epoch on. U2PL's ramp starts at epoch sup_only_epoch.
    /// </summary>
    public bool ImasSchedule { get; init; }

    public static EmaOptions Imas => new() { Decay = 0.996, SupOnlyEpoch = 0, IncludeBuffers = true, ImasSchedule = true };

    public EmaOptions Validate()
    {
        OptionChecks.InRange("net.ema_decay", Decay, 0, 1);
        OptionChecks.AtLeast("trainer.sup_only_epoch", SupOnlyEpoch, 0);
        return this;
    }
}
