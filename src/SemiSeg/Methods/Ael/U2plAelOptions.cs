namespace SemiSeg.Methods.Ael;

/// <summary>
/// Method u2pl_ael's settings, with the with_AEL branch's keys (experiments/city_744/config.yaml and
/// what train.py reads; docs/u2pl-ael.md).
/// </summary>
public sealed record U2plAelOptions
{
    /// <summary>The step's weights, thresholds and consistency loss (criterion.*, trainer.contrastive.start_epoch).</summary>
    public U2plAelStepOptions Step { get; init; } = new();

    /// <summary>dataset.acp present: adaptive copy-paste on the labelled images.</summary>
    public bool CopyPaste { get; init; } = true;

    /// <summary>dataset.acp.prob: a labelled image gets no paste partner with this probability (cityscapes_semi_cp.py:85).</summary>
    public double PasteProbability { get; init; } = 0.5;

    /// <summary>dataset.acp.number: category draws per step (train.py:338).</summary>
    public int PasteCategoryDraws { get; init; } = 3;

    /// <summary>dataset.acp.rand_resize: the paste partner's scale range (cityscapes_semi_cp.py:147-150).</summary>
    public (double Min, double Max) PasteResize { get; init; } = (0.1, 2.0);

    /// <summary>dataset.acp.ignore_cat (ours): classes never pasted; the branch hard-codes Cityscapes' [0, 1, 2, 8, 10] (train.py:335).</summary>
    public IReadOnlyList<int> PasteIgnoredCategories { get; init; } = AdaptiveCopyPaste.CityscapesIgnoredCategories;

    /// <summary>dataset.train.acm.area_thresh: the smallest component a CutMix box is taken from, as a fraction of H^2.</summary>
    public double AreaThreshold { get; init; } = 0.0001;

    /// <summary>dataset.train.acm.area_thresh2: the smallest area that enters a class into the CutMix bank (default area_thresh).</summary>
    public double BankAreaThreshold { get; init; } = 0.0001;

    /// <summary>The confidence bank's momentum: acm.momentum, else acp.momentum, else cons.momentum (train.py:331-340).</summary>
    public double Momentum { get; init; } = 0.999;

    /// <summary>net.ema_decay.</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>net.ema_buffers (ours): average the batch-norm statistics too.</summary>
    public bool EmaBuffers { get; init; }

    public U2plAelOptions Validate(int numClasses)
    {
        OptionChecks.InRange("dataset.acp.prob", PasteProbability, 0, 1);
        OptionChecks.AtLeast("dataset.acp.number", PasteCategoryDraws, 1);
        OptionChecks.InRange("dataset.train.acm.area_thresh", AreaThreshold, 0, 1);
        OptionChecks.InRange("dataset.train.acm.area_thresh2", BankAreaThreshold, 0, 1);
        OptionChecks.InRange("dataset.train.acm.momentum", Momentum, 0, 1);
        if (PasteIgnoredCategories.Any(c => c < 0 || c >= numClasses))
            throw new MethodOptionException("dataset.acp.ignore_cat", string.Join(", ", PasteIgnoredCategories), $"classes must be in [0, {numClasses})");
        if (CopyPaste && PasteIgnoredCategories.Distinct().Count() >= numClasses)
            throw new MethodOptionException("dataset.acp.ignore_cat", string.Join(", ", PasteIgnoredCategories), "leaves no class to paste");
        return this;
    }
}
