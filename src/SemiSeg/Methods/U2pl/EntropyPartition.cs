namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// Splits the pixels of a batch of teacher predictions into reliable and unreliable ones by the
/// entropy of their class probabilities (U2PL Eq. 5-7).
/// <para>
/// Eq. 5: H(p) = -sum_c p(c) log p(c), computed as the official code does with log(p + 1e-10).
/// Eq. 6: a pixel is unreliable when its entropy is in the top alpha_t of the batch; the threshold
/// gamma_t is np.percentile(H[valid], 100 (1 - alpha_t)) over the pixels whose pseudo-label is
/// not ignored, with numpy's linear interpolation. Eq. 7 (Dynamic Partition Adjustment):
/// alpha_t = alpha_0 (1 - epoch / epochs), see <see cref="ScheduledPercent"/>.
/// </para>
/// <para>
/// Percentiles come from torch's kthvalue on the valid entropies, on the device; nothing is copied
/// to managed memory. The partition's tensors belong to the dispose scope that was open when it
/// was created.
/// </para>
/// </summary>
public sealed class EntropyPartition
{
    /// <summary>The epsilon inside the logarithm of the official entropy.</summary>
    public const double LogEpsilon = 1e-10;

    private readonly Tensor validEntropy;   // 1-D, the entropies of the valid pixels in row-major order

    private EntropyPartition(Tensor entropy, Tensor valid)
    {
        Entropy = entropy;
        Valid = valid;
        validEntropy = entropy.MaskedSelect(valid);
    }

    /// <summary>Per-pixel entropy (B, H, W).</summary>
    public Tensor Entropy { get; }

    /// <summary>Pixels that take part in the partition (B, H, W) bool: pseudo-label != 255.</summary>
    public Tensor Valid { get; }

    /// <summary>How many valid pixels the percentiles are taken over.</summary>
    public long ValidCount => validEntropy.NumEl;

    /// <summary>
    /// From class probabilities (B, C, H, W) and the pseudo-labels (B, H, W) they belong to; pixels
    /// labelled <see cref="PixelLabels.IgnoreIndex"/> are left out of every percentile and mask.
    /// </summary>
    public static EntropyPartition FromProbabilities(Tensor probabilities, Tensor pseudoLabels)
    {
        if (probabilities.Dim != 4 || pseudoLabels.Dim != 3)
            throw new ArgumentException($"expected probabilities (B, C, H, W) and labels (B, H, W), got [{string.Join(", ", probabilities.Shape)}] and [{string.Join(", ", pseudoLabels.Shape)}]");
        return new EntropyPartition(PixelEntropy(probabilities), pseudoLabels.Ne(PixelLabels.IgnoreIndex));
    }

    /// <summary>From a precomputed entropy map and its validity mask, both (B, H, W).</summary>
    public static EntropyPartition FromEntropy(Tensor entropy, Tensor valid) => new(entropy.Alias(), valid.Bool());

    /// <summary>Eq. 5 over the class dim of (B, C, H, W) probabilities: (B, H, W).</summary>
    public static Tensor PixelEntropy(Tensor probabilities)
    {
        using var scope = Torch.NewDisposeScope();
        var plogp = probabilities * (probabilities + LogEpsilon).Log();
        return scope.MoveToOuter(-plogp.Sum(1));
    }

    /// <summary>
    /// Eq. 7: the percent of unreliable pixels at an epoch, alpha_0 (1 - epoch / epochs), with
    /// alpha_0 in percent. The official code takes alpha_0 = 100 - drop_percent.
    /// </summary>
    public static double ScheduledPercent(double initialPercent, int epoch, int epochs)
    {
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be > 0");
        return initialPercent * (1.0 - (double)epoch / epochs);
    }

    /// <summary>
    /// The entropy at the given percentile (0..100) of the valid pixels, as np.percentile with linear
    /// interpolation: position q/100 (n - 1) between the two nearest order statistics.
    /// A 0-dim tensor; +inf when no pixel is valid (so nothing counts as unreliable).
    /// </summary>
    public Tensor Threshold(double percentile)
    {
        if (!(percentile >= 0 && percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile must be in [0, 100]");
        var n = validEntropy.NumEl;
        if (n == 0) return Tensor.Scalar(double.PositiveInfinity).To(Entropy.Device);
        using var scope = Torch.NewDisposeScope();
        var position = percentile / 100.0 * (n - 1);
        var below = (long)Math.Floor(position);
        var fraction = position - below;
        // Interpolated in double as numpy does; comparing with the float32 entropies rounds it once,
        // the way PyTorch rounds the Python float the official code compares with.
        var lower = validEntropy.Kthvalue(below + 1).Values.To(ScalarType.Float64);
        if (fraction == 0 || below + 1 >= n) return scope.MoveToOuter(lower);
        var upper = validEntropy.Kthvalue(below + 2).Values.To(ScalarType.Float64);
        // numpy's lerp: a + (b - a) t, or b - (b - a)(1 - t) from the middle on, like torch.lerp.
        var result = fraction < 0.5 ? lower + (upper - lower) * fraction : upper - (upper - lower) * (1 - fraction);
        return scope.MoveToOuter(result);
    }

    /// <summary>
    /// Pixels kept for the unsupervised loss (Eq. 6): valid and entropy below the
    /// (100 - unreliablePercent) percentile. The official compute_unsupervised_loss drops
    /// entropy >= threshold, so a pixel exactly at the threshold is unreliable.
    /// </summary>
    public Tensor ReliableMask(double unreliablePercent)
    {
        using var scope = Torch.NewDisposeScope();
        var threshold = Threshold(100 - unreliablePercent);
        return scope.MoveToOuter(Entropy.Lt(threshold) & Valid);
    }

    /// <summary>Valid pixels with entropy at or above the (100 - percent) percentile: the top percent.</summary>
    public Tensor HighEntropyMask(double percent)
    {
        using var scope = Torch.NewDisposeScope();
        var threshold = Threshold(100 - percent);
        return scope.MoveToOuter(Entropy.Ge(threshold) & Valid);
    }

    /// <summary>Valid pixels with entropy at or below the percent percentile: the bottom percent.</summary>
    public Tensor LowEntropyMask(double percent)
    {
        using var scope = Torch.NewDisposeScope();
        var threshold = Threshold(percent);
        return scope.MoveToOuter(Entropy.Le(threshold) & Valid);
    }
}
