namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The per-pixel inputs of the contrastive loss at the representation's resolution, built as the
/// official train_semi.py builds them before compute_contra_memobank_loss: the labelled images'
/// labels followed by the unlabelled images' pseudo-labels as one-hot maps, and two masks resized
/// with nearest interpolation:
/// <list type="bullet">
/// <item><see cref="LowMask"/>: labelled pixels that are not ignored, and unlabelled pixels in the
/// bottom alpha_t entropy percent (anchor candidates, Eq. 9-10).</item>
/// <item><see cref="HighMask"/>: labelled pixels that are not ignored, and unlabelled pixels of the
/// negative source: the top alpha_t entropy percent (Eq. 15), or per Table 4 the bottom percent or all.</item>
/// </list>
/// The tensors belong to the dispose scope that was open when <see cref="Build"/> ran.
/// </summary>
public sealed class ContrastiveTargets
{
    private ContrastiveTargets(Tensor labels, Tensor oneHot, Tensor lowMask, Tensor highMask, long numLabeled)
    {
        Labels = labels;
        OneHot = oneHot;
        LowMask = lowMask;
        HighMask = highMask;
        NumLabeled = numLabeled;
    }

    /// <summary>(B, h, w) int64 labels then pseudo-labels, 255 where ignored.</summary>
    public Tensor Labels { get; }

    /// <summary>(B, C, h, w) float one-hot of <see cref="Labels"/>, zero where ignored.</summary>
    public Tensor OneHot { get; }

    /// <summary>(B, h, w) bool.</summary>
    public Tensor LowMask { get; }

    /// <summary>(B, h, w) bool.</summary>
    public Tensor HighMask { get; }

    /// <summary>The first NumLabeled rows are labelled images.</summary>
    public long NumLabeled { get; }

    /// <summary>
    /// From full-resolution labels (Bl, H, W), pseudo-labels (Bu, H, W) with their entropy partition
    /// (taken from the teacher's second pass, as the official code does) and alpha_t in percent,
    /// resized to the representation's (height, width).
    /// </summary>
    /// <param name="officialOneHot">the one-hot maps of the official label_onehot, made per half
    /// (labelled, unlabelled) as train_semi.py:456-465 does (<see cref="PixelLabels.OfficialOneHot"/>).</param>
    public static ContrastiveTargets Build(Tensor labeledLabels, Tensor pseudoLabels, EntropyPartition partition, double entropyPercent,
                                           NegativeSource source, long height, long width, long numClasses, bool officialOneHot = false)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var lowU = partition.LowEntropyMask(entropyPercent);
        var negativeU = source switch
        {
            NegativeSource.Unreliable => partition.HighEntropyMask(entropyPercent),
            NegativeSource.Reliable => lowU,
            // The official "all" is a mask of ones; pixels without a pseudo-label (cutout) are left
            // out here so that the paper rule never draws a negative from a pixel with no prediction.
            _ => partition.Valid,
        };
        var result = FromMasks(labeledLabels, pseudoLabels, lowU, negativeU, height, width, numClasses, officialOneHot);
        result.MoveTensorsTo(scope);
        return result;
    }

    /// <summary>
    /// As <see cref="Build"/>, with the unlabelled anchor and negative masks (Bu, H, W) given at full
    /// resolution (the with_AEL branch takes its own percentiles: docs/u2pl-ael.md #23-#24).
    /// </summary>
    public static ContrastiveTargets FromMasks(Tensor labeledLabels, Tensor pseudoLabels, Tensor lowU, Tensor negativeU,
                                               long height, long width, long numClasses, bool officialOneHot = false)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var labels = Torch.Cat(new[] { labeledLabels, pseudoLabels });
        var labelsSmall = PixelLabels.ResizeNearest(labels, height, width);
        var labeledValid = labeledLabels.Ne(PixelLabels.IgnoreIndex);
        var low = PixelLabels.ResizeNearest(Torch.Cat(new[] { labeledValid, lowU }), height, width);
        var high = PixelLabels.ResizeNearest(Torch.Cat(new[] { labeledValid, negativeU }), height, width);
        var oneHot = officialOneHot
            ? Torch.Cat(new[]
            {
                PixelLabels.OfficialOneHot(labelsSmall.Narrow(0, 0, labeledLabels.Size(0)), numClasses),
                PixelLabels.OfficialOneHot(labelsSmall.Narrow(0, labeledLabels.Size(0), pseudoLabels.Size(0)), numClasses),
            })
            : PixelLabels.OneHot(labelsSmall, numClasses);
        var result = new ContrastiveTargets(labelsSmall, oneHot, low, high, labeledLabels.Size(0));
        result.MoveTensorsTo(scope);
        return result;
    }

    private void MoveTensorsTo(DisposeScope scope)
    {
        foreach (var t in new[] { Labels, OneHot, LowMask, HighMask }) scope.MoveToOuter(t);
    }

    /// <summary>Targets already at the representation's resolution (for tests and custom pipelines).</summary>
    public static ContrastiveTargets FromParts(Tensor labels, Tensor lowMask, Tensor highMask, long numLabeled, long numClasses)
    {
        return new ContrastiveTargets(labels.Alias(), PixelLabels.OneHot(labels, numClasses), lowMask.Bool(), highMask.Bool(), numLabeled);
    }
}
