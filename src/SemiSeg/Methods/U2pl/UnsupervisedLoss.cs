namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The unsupervised loss on reliable pseudo-labels (U2PL Eq. 3 with the adaptive weight of Eq. 8),
/// computed as the official compute_unsupervised_loss does:
/// <code>
///   target[entropy >= gamma_t and target != 255] = 255
///   weight = B * H * W / count(target != 255)
///   loss   = weight * cross_entropy(student_logits, target, ignore_index = 255)   // mean over kept pixels
/// </code>
/// The cross-entropy is already a mean over the kept pixels, so the official loss carries the
/// batch-over-reliable ratio a second time (sum over kept pixels times B H W / kept^2); Eq. 8 read
/// with a per-image mean over all pixels would carry it once. We follow the code; see
/// docs/u2pl-paper-vs-code.md. Pixels that were already ignored (cutout) count in B H W but never
/// as reliable. As in the official step, the partition is built from the teacher's second
/// (train-mode) forward on the mixed batch, upsampled to the labels, with the first pass's
/// (mixed) pseudo-labels as targets and validity.
/// </summary>
public static class UnsupervisedLoss
{
    /// <summary>
    /// The loss for student logits (B, C, H, W) against pseudo-labels (B, H, W), dropping the
    /// unreliablePercent of valid pixels with the highest entropy in <paramref name="partition"/>,
    /// times <paramref name="lossWeight"/> (eta). Stays on the device: an empty reliable set gives 0
    /// instead of the official NaN.
    /// </summary>
    public static Tensor Compute(Tensor studentLogits, Tensor pseudoLabels, EntropyPartition partition, double unreliablePercent, double lossWeight = 1)
    {
        if (studentLogits.Dim != 4 || pseudoLabels.Dim != 3)
            throw new ArgumentException($"expected logits (B, C, H, W) and labels (B, H, W), got [{string.Join(", ", studentLogits.Shape)}] and [{string.Join(", ", pseudoLabels.Shape)}]");
        using var scope = Torch.NewDisposeScope();
        Tensor reliable;
        using (Torch.NoGrad()) reliable = partition.ReliableMask(unreliablePercent);
        var target = pseudoLabels.MaskedFill(reliable.LogicalNot(), PixelLabels.IgnoreIndex);
        var kept = reliable.Sum(ScalarType.Float32).ClampMin(1);
        var total = (double)pseudoLabels.NumEl;
        var summed = F.CrossEntropy(studentLogits, target, ignoreIndex: PixelLabels.IgnoreIndex, reduction: Reduction.Sum);
        // weight * mean = (total / kept) * (sum / kept)
        var loss = summed / kept * (total * lossWeight) / kept;
        return scope.MoveToOuter(loss);
    }

    /// <summary>The adaptive weight of Eq. 8 as the official code computes it: B H W / reliable pixels (a 0-dim tensor).</summary>
    public static Tensor AdaptiveWeight(Tensor reliableMask)
    {
        using var scope = Torch.NewDisposeScope();
        var weight = reliableMask.Sum(ScalarType.Float32).ClampMin(1).Pow(-1) * (double)reliableMask.NumEl;
        return scope.MoveToOuter(weight);
    }
}
