namespace SemiSeg.Methods;

/// <summary>
/// The supervised loss settings of a config: <c>criterion</c> (type and kwargs), the auxiliary
/// head's weight <c>net.aux_loss.loss_weight</c> and <c>dataset.ignore_label</c>. Defaults are the
/// official VOC config's (plain cross-entropy, no auxiliary head).
/// </summary>
public sealed record SupervisedCriterionOptions
{
    /// <summary>criterion.type: "ohem" selects OHEM; anything else is plain cross-entropy, as get_criterion reads it.</summary>
    public string Type { get; init; } = "CELoss";

    /// <summary>criterion.kwargs.thresh (OHEM only).</summary>
    public double Thresh { get; init; } = 0.7;

    /// <summary>criterion.kwargs.min_kept (OHEM only).</summary>
    public long MinKept { get; init; } = 100000;

    /// <summary>criterion.kwargs.use_weight: the official 19-class Cityscapes weights; not supported here.</summary>
    public bool UseWeight { get; init; }

    /// <summary>net.aux_loss.loss_weight; 0 when the config has no aux_loss (the official default).</summary>
    public double AuxWeight { get; init; }

    /// <summary>dataset.ignore_label.</summary>
    public long IgnoreLabel { get; init; } = PixelLabels.IgnoreIndex;

    public bool IsOhem => Type == "ohem";

    public SupervisedCriterionOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Type)) throw new MethodOptionException("criterion.type", Type, "must name a criterion (ohem or CELoss)");
        if (IsOhem)
        {
            OptionChecks.InRange("criterion.kwargs.thresh", Thresh, 0, 1);
            OptionChecks.AtLeast("criterion.kwargs.min_kept", MinKept, 0);
        }
        if (UseWeight)
            throw new MethodOptionException("criterion.kwargs.use_weight", UseWeight, "class-weighted criteria are not supported; set it to False");
        OptionChecks.AtLeast("net.aux_loss.loss_weight", AuxWeight, 0);
        OptionChecks.InRange("dataset.ignore_label", IgnoreLabel, 0, 65535);
        return this;
    }
}
