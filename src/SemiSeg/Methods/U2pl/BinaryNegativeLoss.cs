namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The binary alternative to contrastive learning of U2PL appendix C (Eq. A1): each negative is
/// contrasted with the positive on its own,
/// L_b = -1/(C M N) sum_c sum_i sum_j log( e^{&lt;z_ci, z_c+&gt;/tau} / (e^{&lt;z_ci, z_c+&gt;/tau} + e^{&lt;z_ci, z_cij-&gt;/tau}) ).
/// This is the per-class term (the mean over i and j); <see cref="ContrastiveLoss"/> averages it
/// over classes. The official train_semi.py calls a compute_binary_memobank_loss that its
/// loss_helper.py does not define, so this follows the equation.
/// </summary>
public static class BinaryNegativeLoss
{
    /// <summary>anchors (M, D), positive (D) or (M, D), negatives (M, N, D); a 0-dim tensor.</summary>
    public static Tensor Compute(Tensor anchors, Tensor positive, Tensor negatives, double temperature)
    {
        using var scope = Torch.NewDisposeScope();
        var similarities = InfoNceLoss.ContrastLogits(anchors, positive, negatives) / temperature;   // (M, 1 + N)
        var m = similarities.Size(0);
        var n = similarities.Size(1) - 1;
        var positiveColumn = similarities.Narrow(1, 0, 1).Expand(m, n);
        var negativeColumns = similarities.Narrow(1, 1, n);
        var pairs = Torch.Stack(new[] { positiveColumn, negativeColumns }, 2).Reshape(m * n, 2);   // (M N, 2)
        var target = Torch.Zeros(new[] { m * n }, ScalarType.Int64, pairs.Device);
        return scope.MoveToOuter(F.CrossEntropy(pairs, target));
    }
}
