namespace SemiSeg.Methods;

/// <summary>
/// <c>trainer.contrastive</c> of a U2PL config, with the official key names and the official VOC
/// config's values as defaults. Keys the official configs do not have are marked "ours".
/// </summary>
public sealed record ContrastiveOptions
{
    public const string Section = "trainer.contrastive";

    /// <summary>negative_high_entropy: True takes negatives from unreliable pixels, False from all (official switch).</summary>
    public bool NegativeHighEntropy { get; init; } = true;

    /// <summary>negative_source (ours): unreliable, reliable or all (Table 4); when set it overrides negative_high_entropy.</summary>
    public string? NegativeSourceName { get; init; }

    /// <summary>negative_rule (ours): paper (Eq. 14-15) or official (the official code's mask). Profile official sets official.</summary>
    public string NegativeRuleName { get; init; } = "paper";

    /// <summary>
    /// onehot (ours): correct, or official: the one-hot maps of the official label_onehot
    /// (u2pl/utils/utils.py:50-59), which scatters along dim 0 with a (B, 1, H, W) index, so the first
    /// image of each half (labelled, unlabelled) gets the union of every image's classes and the others
    /// none (<see cref="PixelLabels.OfficialOneHot"/>). Profile official sets official.
    /// </summary>
    public string OneHotName { get; init; } = "correct";

    /// <summary>
    /// class_order (ours): by_class, or official: the official loss loop (u2pl/utils/loss_helper.py:169-200)
    /// takes anchors and the positive of the i-th class but negatives from the memory bank of the i-th
    /// present class (U2PL issue #111). Profile official sets official.
    /// </summary>
    public string ClassOrderName { get; init; } = "by_class";

    /// <summary>
    /// weight_by_world_size (ours): lambda_c divided by <see cref="U2plProfile.WorldSize"/>, as the official
    /// train_semi.py:514-519 does in effect (all_reduce is outside autograd, so each replica back-propagates
    /// its own loss / world_size). Profile official sets True.
    /// </summary>
    public bool WeightByWorldSize { get; init; }

    /// <summary>low_rank: r_l.</summary>
    public int LowRank { get; init; } = 3;

    /// <summary>high_rank: r_h (may exceed the class count, as on Cityscapes: ranks stop at C).</summary>
    public int HighRank { get; init; } = 20;

    /// <summary>current_class_threshold: delta_p, the class probability an anchor needs.</summary>
    public double CurrentClassThreshold { get; init; } = 0.3;

    /// <summary>current_class_negative_threshold: a negative's probability of c must be below it (1 in the configs).</summary>
    public double CurrentClassNegativeThreshold { get; init; } = 1;

    /// <summary>unsupervised_entropy_ignore: present in the official configs, read by nothing.</summary>
    public double UnsupervisedEntropyIgnore { get; init; } = 80;

    /// <summary>low_entropy_threshold: alpha_0 in percent for the anchor and negative entropy masks.</summary>
    public double LowEntropyThreshold { get; init; } = 20;

    /// <summary>num_negatives: negatives per anchor (official 50; the paper's N = 256).</summary>
    public int NumNegatives { get; init; } = 50;

    /// <summary>num_queries: anchors per class (official 256; the paper's M = 50).</summary>
    public int NumQueries { get; init; } = 256;

    /// <summary>temperature: tau.</summary>
    public double Temperature { get; init; } = 0.5;

    /// <summary>loss_weight: lambda_c; the configs have none, so 1 (the paper's Table A1 says 0.1).</summary>
    public double LossWeight { get; init; } = 1;

    /// <summary>binary: the BCE alternative of appendix C (Eq. A1).</summary>
    public bool Binary { get; init; }

    /// <summary>anchor_ema: the positive is a per-class momentum prototype of the class centres.</summary>
    public bool AnchorEma { get; init; }

    /// <summary>use_memory_bank (ours): false samples negatives from the current batch only (Table 6).</summary>
    public bool UseMemoryBank { get; init; } = true;

    /// <summary>queue_size (ours): memory-bank length per foreground class (official hard-coded 30000).</summary>
    public int QueueSize { get; init; } = 30000;

    /// <summary>background_queue_size (ours): memory-bank length for class 0 (official hard-coded 50000).</summary>
    public int BackgroundQueueSize { get; init; } = 50000;

    public NegativeSource NegativeSource => NegativeSourceName switch
    {
        null => NegativeHighEntropy ? NegativeSource.Unreliable : NegativeSource.All,
        "unreliable" => NegativeSource.Unreliable,
        "reliable" => NegativeSource.Reliable,
        "all" => NegativeSource.All,
        _ => throw new MethodOptionException($"{Section}.negative_source", NegativeSourceName, "must be one of unreliable, reliable, all"),
    };

    public bool OfficialOneHot => OneHotName switch
    {
        "correct" => false,
        "official" => true,
        _ => throw new MethodOptionException($"{Section}.onehot", OneHotName, "must be one of correct, official"),
    };

    public bool OfficialClassOrder => ClassOrderName switch
    {
        "by_class" => false,
        "official" => true,
        _ => throw new MethodOptionException($"{Section}.class_order", ClassOrderName, "must be one of by_class, official"),
    };

    public NegativeRule NegativeRule => NegativeRuleName switch
    {
        "paper" => NegativeRule.Paper,
        "official" => NegativeRule.Official,
        _ => throw new MethodOptionException($"{Section}.negative_rule", NegativeRuleName, "must be one of paper, official"),
    };

    /// <summary>alpha_t of the contrastive masks in percent: low_entropy_threshold (1 - epoch / epochs).</summary>
    public double EntropyPercentAt(int epoch, int epochs) => EntropyPartition.ScheduledPercent(LowEntropyThreshold, epoch, epochs);

    /// <summary>The paper's Table A1 setting: M = 50 anchors, N = 256 negatives, lambda_c = 0.1.</summary>
    public ContrastiveOptions WithPaperSettings() => this with { NumQueries = 50, NumNegatives = 256, LossWeight = 0.1 };

    public ContrastiveOptions Validate(int numClasses)
    {
        _ = NegativeSource;
        _ = NegativeRule;
        _ = OfficialOneHot;
        _ = OfficialClassOrder;
        OptionChecks.AtLeast($"{Section}.low_rank", LowRank, 0);
        if (HighRank <= LowRank) throw new MethodOptionException($"{Section}.high_rank", HighRank, $"must be greater than low_rank ({LowRank})");
        if (LowRank >= numClasses) throw new MethodOptionException($"{Section}.low_rank", LowRank, $"must be below the class count ({numClasses})");
        OptionChecks.InRange($"{Section}.current_class_threshold", CurrentClassThreshold, 0, 1);
        if (!(CurrentClassNegativeThreshold > 0 && CurrentClassNegativeThreshold <= 1))
            throw new MethodOptionException($"{Section}.current_class_negative_threshold", CurrentClassNegativeThreshold, "must be in (0, 1]");
        OptionChecks.InRange($"{Section}.unsupervised_entropy_ignore", UnsupervisedEntropyIgnore, 0, 100);
        OptionChecks.InRange($"{Section}.low_entropy_threshold", LowEntropyThreshold, 0, 100);
        OptionChecks.AtLeast($"{Section}.num_negatives", NumNegatives, 1);
        OptionChecks.AtLeast($"{Section}.num_queries", NumQueries, 1);
        OptionChecks.Positive($"{Section}.temperature", Temperature);
        OptionChecks.AtLeast($"{Section}.loss_weight", LossWeight, 0);
        OptionChecks.AtLeast($"{Section}.queue_size", QueueSize, 1);
        OptionChecks.AtLeast($"{Section}.background_queue_size", BackgroundQueueSize, 1);
        return this;
    }
}
