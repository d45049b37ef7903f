namespace SemiSeg.Methods;

/// <summary>
/// <c>trainer.unsupervised</c> of a U2PL config. Defaults are the official VOC config's.
/// </summary>
public sealed record UnsupervisedOptions
{
    public const string Section = "trainer.unsupervised";

    /// <summary>
    /// drop_percent: the percent of valid pixels kept as reliable at epoch 0; alpha_0 = 100 - drop_percent
    /// (80 gives the paper's alpha_0 = 20%). The official code reads 100 when the key is absent.
    /// </summary>
    public double DropPercent { get; init; } = 80;

    /// <summary>apply_aug: the strong mix applied with probability 0.5 (cutmix, cutout, classmix), or null for none.</summary>
    public string? ApplyAug { get; init; } = "cutmix";

    /// <summary>loss_weight: eta of Eq. 8, a factor on the whole unsupervised loss (1 when absent).</summary>
    public double LossWeight { get; init; } = 1;

    /// <summary>aug_prob (ours): probability of applying apply_aug in a step (the official code hard-codes 0.5).</summary>
    public double AugProbability { get; init; } = 0.5;

    /// <summary>dynamic_partition (ours): Eq. 7's linear decay of alpha_t; false keeps alpha_0 all run (Table 6 "w/o DPA").</summary>
    public bool DynamicPartition { get; init; } = true;

    /// <summary>alpha_0 of Eq. 7 in percent.</summary>
    public double InitialUnreliablePercent => 100 - DropPercent;

    /// <summary>Eq. 7 at an epoch: the percent of valid pixels treated as unreliable.</summary>
    public double UnreliablePercentAt(int epoch, int epochs) =>
        DynamicPartition ? EntropyPartition.ScheduledPercent(InitialUnreliablePercent, epoch, epochs) : InitialUnreliablePercent;

    public UnsupervisedOptions Validate()
    {
        OptionChecks.InRange($"{Section}.drop_percent", DropPercent, 0, 100);
        if (ApplyAug is not null) OptionChecks.OneOf($"{Section}.apply_aug", ApplyAug, "cutmix", "cutout", "classmix");
        OptionChecks.AtLeast($"{Section}.loss_weight", LossWeight, 0);
        OptionChecks.InRange($"{Section}.aug_prob", AugProbability, 0, 1);
        return this;
    }
}
