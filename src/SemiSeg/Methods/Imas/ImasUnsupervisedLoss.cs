namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The unsupervised loss of iMAS (its compute_unsupervised_loss_by_threshold): cross-entropy on the
/// teacher's pseudo-labels whose confidence is at least tau, averaged per image over ALL its
/// pixels (dropped pixels count as 0), multiplied by the image's score and averaged over the batch;
/// without scores, the plain mean over every pixel of the batch. Times loss_weight.
/// </summary>
public static class ImasUnsupervisedLoss
{
    /// <summary>
    /// Student logits (B, C, H, W), pseudo-labels and their confidences (B, H, W), per-image
    /// <paramref name="scores"/> (B) or null.
    /// </summary>
    public static Tensor Compute(Tensor studentLogits, Tensor pseudoLabels, Tensor confidence, double threshold, Tensor? scores, double lossWeight = 1)
    {
        if (studentLogits.Dim != 4 || pseudoLabels.Dim != 3 || !confidence.Shape.SequenceEqual(pseudoLabels.Shape))
            throw new ArgumentException($"expected logits (B, C, H, W), labels and confidences (B, H, W); got [{string.Join(", ", studentLogits.Shape)}], [{string.Join(", ", pseudoLabels.Shape)}], [{string.Join(", ", confidence.Shape)}]");
        using var scope = Torch.NewDisposeScope();
        var confident = confidence.Ge(threshold) & pseudoLabels.Ne(PixelLabels.IgnoreIndex);
        var target = pseudoLabels.MaskedFill(confident.LogicalNot(), PixelLabels.IgnoreIndex);
        var perPixel = F.CrossEntropy(studentLogits, target, ignoreIndex: PixelLabels.IgnoreIndex, reduction: Reduction.None);   // (B, H, W)
        Tensor loss;
        if (scores is null) loss = perPixel.Mean();
        else
        {
            if (scores.Dim != 1 || scores.Size(0) != perPixel.Size(0))
                throw new ArgumentException($"scores must be ({perPixel.Size(0)}), got [{string.Join(", ", scores.Shape)}]");
            loss = (perPixel.Mean(new long[] { 1, 2 }) * scores.Detach()).Mean();
        }
        return scope.MoveToOuter(loss * lossWeight);
    }
}
