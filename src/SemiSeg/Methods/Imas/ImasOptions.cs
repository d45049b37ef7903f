namespace SemiSeg.Methods;

/// <summary>
/// The iMAS settings with the key names of its official configs: <c>trainer.unsupervised.*</c> and
/// <c>dataset.train.hardness_aware.*</c>. Defaults are the official exps/citys_semi744/config_semi.yaml
/// (the repository has no VOC config) except the confidence threshold, which takes the code's
/// default 0.95 used on VOC (the Cityscapes config sets 0.7).
/// </summary>
public sealed record ImasOptions
{
    public const string Unsupervised = "trainer.unsupervised";
    public const string HardnessAware = "dataset.train.hardness_aware";

    /// <summary>trainer.unsupervised.threshold: tau, the confidence a pseudo-label needs (and that the score's ratios count).</summary>
    public double Threshold { get; init; } = 0.95;

    /// <summary>trainer.unsupervised.loss_weight.</summary>
    public double LossWeight { get; init; } = 3.0;

    /// <summary>trainer.unsupervised.flag_ema_pseudo: pseudo-labels from the teacher (true) or the student.</summary>
    public bool FlagEmaPseudo { get; init; } = true;

    /// <summary>trainer.unsupervised.use_cutmix.</summary>
    public bool UseCutmix { get; init; } = true;

    /// <summary>trainer.unsupervised.use_cutmix_beta: the beta-distributed box; not supported here.</summary>
    public bool UseCutmixBeta { get; init; }

    /// <summary>trainer.unsupervised.use_cutmix_range: the box side as a fraction of the image, drawn uniformly in [min, max].</summary>
    public double[] UseCutmixRange { get; init; } = { 0.1, 0.9 };

    /// <summary>trainer.unsupervised.use_cutmix_trigger_prob: CutMix probability when not triggered by the score.</summary>
    public double UseCutmixTriggerProb { get; init; } = 0.5;

    /// <summary>dataset.train.strong_aug present: a strong view exists and is mixed with the weak view.</summary>
    public bool StrongAug { get; init; } = true;

    /// <summary>hardness_aware.flag_using_v1: the score averages the two models' terms (v1) or weights them by their ratios (v2).</summary>
    public bool FlagUsingV1 { get; init; } = true;

    /// <summary>hardness_aware.flag_hardness_weighted_loss: weight each image's unsupervised loss by its score.</summary>
    public bool FlagHardnessWeightedLoss { get; init; } = true;

    /// <summary>hardness_aware.flag_cal_iou_weighted: class-weighted IoU (by the reference map's pixel counts) instead of plain mean IoU.</summary>
    public bool FlagCalIouWeighted { get; init; } = true;

    /// <summary>hardness_aware.flag_cal_iou_ignore_bg: class 0 gets no weight in the weighted IoU.</summary>
    public bool FlagCalIouIgnoreBg { get; init; } = true;

    /// <summary>hardness_aware.flag_cmix_trigger_by_hard: apply CutMix with probability = the batch-mean score.</summary>
    public bool FlagCmixTriggerByHard { get; init; } = true;

    /// <summary>hardness_aware.flag_augs_mixup_by_hard: blend strong and weak views by the score (else pick one with probability = score).</summary>
    public bool FlagAugsMixupByHard { get; init; } = true;

    /// <summary>hardness_aware.flag_mapping_random: scale the random part of the box side by the batch-mean score.</summary>
    public bool FlagMappingRandom { get; init; }

    /// <summary>hardness_aware.flag_mapping_gaussian: truncated-normal box side; not supported here.</summary>
    public bool FlagMappingGaussian { get; init; }

    /// <summary>The EMA teacher of iMAS (net.ema_decay 0.996, buffers averaged).</summary>
    public EmaOptions Ema { get; init; } = EmaOptions.Imas;

    public ImasOptions Validate()
    {
        OptionChecks.InRange($"{Unsupervised}.threshold", Threshold, 0, 1);
        OptionChecks.AtLeast($"{Unsupervised}.loss_weight", LossWeight, 0);
        if (UseCutmixBeta) throw new MethodOptionException($"{Unsupervised}.use_cutmix_beta", true, "the beta-distributed box is not supported; set it to False");
        if (UseCutmixRange is null || UseCutmixRange.Length != 2)
            throw new MethodOptionException($"{Unsupervised}.use_cutmix_range", UseCutmixRange is null ? null : $"[{string.Join(", ", UseCutmixRange)}]", "must be a pair [min, max]");
        foreach (var v in UseCutmixRange) OptionChecks.InRange($"{Unsupervised}.use_cutmix_range", v, 0, 1);
        OptionChecks.InRange($"{Unsupervised}.use_cutmix_trigger_prob", UseCutmixTriggerProb, 0, 1);
        if (FlagMappingGaussian) throw new MethodOptionException($"{HardnessAware}.flag_mapping_gaussian", true, "the truncated-normal box size is not supported; set it to False");
        Ema.Validate();
        return this;
    }
}
