namespace SemiSeg.Methods.Ael;

/// <summary>
/// The settings of the with_AEL branch's step (train.py:318-347) that are not AEL parts of their own.
/// </summary>
public sealed record U2plAelStepOptions
{
    /// <summary>criterion.consist_weight: the weight of the two consistency losses (train.py:318; default 1).</summary>
    public double ConsistWeight { get; init; } = 1;

    /// <summary>criterion.contra_weight: the contrastive loss's weight (train.py:319; default 1, the config 0.1).</summary>
    public double ContraWeight { get; init; } = 1;

    /// <summary>criterion.threshold: teacher pseudo-labels of labelled images under this confidence are ignored (train.py:320, 543; default 0).</summary>
    public double Threshold { get; init; }

    /// <summary>trainer.contrastive.start_epoch: the first epoch with the contrastive loss (train.py:658; default 20).</summary>
    public int ContrastiveStartEpoch { get; init; } = 20;

    /// <summary>The simulated GPUs: every loss is divided by it, the contrastive one twice (train.py:487, 605-640, 768).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>criterion.cons; null for the branch's plain CrossEntropyLoss(ignore_index=255) (train.py:107-110).</summary>
    public AelConsistencyOptions? Consistency { get; init; } = new();
}
