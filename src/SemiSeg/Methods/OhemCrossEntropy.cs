namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// Online hard example mining cross-entropy (U2PL appendix A uses OHEM on Cityscapes), as the
/// official OhemCrossEntropy2dTensor that the U2PL Cityscapes config selects (criterion.type: ohem,
/// thresh 0.7, min_kept 100000): pixels whose softmax probability of their true class is above a
/// threshold are dropped, where the threshold is
/// max(thresh, the min_kept-th smallest such probability over the batch). When fewer than
/// min_kept pixels are labelled, or min_kept is 0, nothing is dropped. The mean is over the pixels kept.
/// Computed without a host round-trip: the branches become tensor selections.
/// </summary>
public sealed class OhemCrossEntropy
{
    public OhemCrossEntropy(double thresh = 0.7, long minKept = 100000, long ignoreIndex = PixelLabels.IgnoreIndex)
    {
        if (!(thresh >= 0 && thresh <= 1)) throw new ArgumentOutOfRangeException(nameof(thresh), thresh, "thresh must be in [0, 1]");
        if (minKept < 0) throw new ArgumentOutOfRangeException(nameof(minKept), minKept, "min_kept must be >= 0");
        Thresh = thresh;
        MinKept = minKept;
        IgnoreIndex = ignoreIndex;
    }

    public double Thresh { get; }
    public long MinKept { get; }
    public long IgnoreIndex { get; }

    /// <summary>The loss of logits (B, C, H, W) against labels (B, H, W).</summary>
    public Tensor Compute(Tensor logits, Tensor target)
    {
        using var scope = Torch.NewDisposeScope();
        return scope.MoveToOuter(F.CrossEntropy(logits, MinedTarget(logits, target), ignoreIndex: IgnoreIndex));
    }

    /// <summary>The labels with the easy pixels set to the ignore index (B, H, W).</summary>
    public Tensor MinedTarget(Tensor logits, Tensor target)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var valid = target.Ne(IgnoreIndex);
        var safeTarget = target.MaskedFill(valid.LogicalNot(), 0);
        // The official code mines only inside its `min_kept > 0` branch: min_kept 0 is plain cross-entropy.
        if (MinKept == 0) return scope.MoveToOuter(target.Alias());
        var probability = F.Softmax(logits, 1).Gather(1, safeTarget.Unsqueeze(1)).Squeeze(1);   // (B, H, W)
        probability = probability.MaskedFill(valid.LogicalNot(), 1);                       // ignored pixels sort last
        var k = Math.Min(probability.NumEl, MinKept);
        var kth = probability.Flatten().Kthvalue(k).Values.To(ScalarType.Float64);
        var threshold = kth.ClampMin(Thresh);
        var kept = probability.Le(threshold);
        // The official code mines only when at least min_kept pixels are labelled (and some are).
        var numValid = valid.Sum();
        var mine = numValid.Ge((double)MinKept) & numValid.Gt(0);
        var keep = valid & (kept | mine.LogicalNot());
        return scope.MoveToOuter(target.MaskedFill(keep.LogicalNot(), IgnoreIndex));
    }
}
