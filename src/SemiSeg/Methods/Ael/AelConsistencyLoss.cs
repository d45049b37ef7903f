namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>The options of <see cref="AelConsistencyLoss"/> (the branch's criterion.cons section).</summary>
/// <param name="Gamma">criterion.cons.gamma: the exponent of <see cref="DynamicReweighting"/> (2 in the config; required by the branch).</param>
/// <param name="Sample">criterion.cons.sample: <see cref="AdaptiveEqualizationSampling"/> on (True in the config).</param>
/// <param name="Gamma2">criterion.cons.gamma2: the exponent of the sampling rates (default 1).</param>
public sealed record AelConsistencyOptions(double Gamma = 2, bool Sample = true, double Gamma2 = 1);

/// <summary>
/// The with_AEL branch's unsupervised (consistency) loss, <c>Criterion_cons.forward</c>
/// (u2pl/utils/loss_helper.py:355-379): per-pixel cross-entropy against the pseudo-labels (255
/// ignored, contributing 0), weighted by <see cref="DynamicReweighting"/> and, with Sample, by
/// <see cref="AdaptiveEqualizationSampling"/>'s map, then divided by the sum of the weights. The sum
/// includes ignored pixels' weights, as the branch's does.
/// </summary>
public static class AelConsistencyLoss
{
    public const long IgnoreIndex = 255;

    /// <summary>
    /// The loss (0-dim) of <paramref name="logits"/> (B, C, H, W) against <paramref name="pseudoLabels"/>
    /// (B, H, W) with the teacher's <paramref name="confidence"/> (B, H, W); <paramref name="classConfidence"/>
    /// (C) and <paramref name="generator"/> are needed when <see cref="AelConsistencyOptions.Sample"/> is on.
    /// </summary>
    public static Tensor Compute(Tensor logits, Tensor confidence, Tensor pseudoLabels, AelConsistencyOptions options,
                                 Tensor? classConfidence = null, Generator? generator = null)
    {
        using var scope = Torch.NewDisposeScope();
        var ce = F.CrossEntropy(logits, pseudoLabels, ignoreIndex: IgnoreIndex, reduction: Reduction.None);
        Tensor weights;
        using (Torch.NoGrad())
        {
            weights = DynamicReweighting.Weights(confidence.Detach(), options.Gamma);
            if (options.Sample)
            {
                if (classConfidence is null || generator is null)
                    throw new ArgumentException("adaptive equalisation sampling needs the confidence bank and a generator");
                weights = weights * AdaptiveEqualizationSampling.SampleMap(logits, classConfidence, options.Gamma2, generator);
            }
            weights = weights / (weights.Sum() + 1e-12);
        }
        return scope.MoveToOuter((weights * ce).Sum());
    }
}
