namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The pixel-level InfoNCE term of U2PL Eq. 4 for one class:
/// mean over anchors i of -log( e^{&lt;z_i, z+&gt;/tau} / (e^{&lt;z_i, z+&gt;/tau} + sum_j e^{&lt;z_i, z_ij-&gt;/tau}) ),
/// with &lt;.,.&gt; the cosine similarity. Computed as the official code: cosine similarities of each
/// anchor against [positive, negatives], divided by tau, cross-entropy with target 0.
/// </summary>
public static class InfoNceLoss
{
    /// <summary>
    /// anchors (M, D), positive (D) shared by all anchors or (M, D), negatives (M, N, D).
    /// Returns a 0-dim tensor.
    /// </summary>
    public static Tensor Compute(Tensor anchors, Tensor positive, Tensor negatives, double temperature)
    {
        using var scope = Torch.NewDisposeScope();
        var logits = ContrastLogits(anchors, positive, negatives) / temperature;     // (M, 1 + N)
        var target = Torch.Zeros(new[] { logits.Size(0) }, ScalarType.Int64, logits.Device);
        return scope.MoveToOuter(F.CrossEntropy(logits, target));
    }

    /// <summary>
    /// Cosine similarities (M, 1 + N) of each anchor with its positive (column 0) and negatives.
    /// The negatives block is the large one (M N D): it is read by one batched matrix product with
    /// the unit anchors and by one norm, and never normalised or copied. aten::cosine_similarity on
    /// the broadcast (M, 1 + N, D) shapes is two orders of magnitude slower on the CPU.
    /// </summary>
    public static Tensor ContrastLogits(Tensor anchors, Tensor positive, Tensor negatives)
    {
        if (anchors.Dim != 2 || negatives.Dim != 3 || negatives.Size(0) != anchors.Size(0) || negatives.Size(2) != anchors.Size(1))
            throw new ArgumentException($"expected anchors (M, D) and negatives (M, N, D), got [{string.Join(", ", anchors.Shape)}] and [{string.Join(", ", negatives.Shape)}]");
        using var scope = Torch.NewDisposeScope();
        var unitAnchors = F.Normalize(anchors, 2, 1, CosineEpsilon);                                   // (M, D)
        var unitPositive = F.Normalize(positive, 2, positive.Dim - 1, CosineEpsilon);                  // (D) or (M, D)
        var positiveSimilarity = positive.Dim == 1
            ? unitAnchors.Matmul(unitPositive.Unsqueeze(1))                                            // (M, 1)
            : (unitAnchors * unitPositive).Sum(1, keepDim: true);
        var negativeDots = negatives.Matmul(unitAnchors.Unsqueeze(2)).Squeeze(2);                      // (M, N)
        var negativeNorms = negatives.Norm(2, 2).ClampMin(CosineEpsilon);
        return scope.MoveToOuter(Torch.Cat(new[] { positiveSimilarity, negativeDots / negativeNorms }, 1));
    }

    /// <summary>The smallest norm a feature is divided by (torch.cosine_similarity's eps).</summary>
    public const double CosineEpsilon = 1e-8;
}
