using SemiSeg.Training;

namespace SemiSeg.Bench;

/// <summary>One setting's timed steps and phase breakdown (seconds per step).</summary>
internal sealed record StepResult(ExperimentConfig Config, bool Random, string DataSource, int Batch, long Height, long Width, int Warmup,
                                  double[] Seconds, IReadOnlyList<(string Phase, double Seconds)> Phases, long MacsPerImage,
                                  long[] BankCounts, long FeatureDim, int Threads, string LoadBefore, string LoadAfter)
{
    public double Mean => Seconds.Average();
    public double Median => Seconds.Order().ElementAt(Seconds.Length / 2);

    /// <summary>Conv FLOP of one step: student forward on B_l + B_u images and its backward (twice the forward),
    /// teacher eval pass on B_u, teacher train pass on B_l + B_u.</summary>
    public double StepGflop => 2.0 * MacsPerImage * (3 * 2 * Batch + Batch + 2 * Batch) / 1e9;
}
