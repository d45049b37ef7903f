using System.Diagnostics;

namespace SemiSeg.Data;

/// <summary>
/// Time the consumer spent waiting for batches: near zero means the workers keep ahead of
/// training. Written by the consuming thread only.
/// </summary>
public sealed class LoaderStats
{
    private readonly List<double> waits = new();

    public int Batches => waits.Count;
    public int Samples { get; private set; }
    public double TotalWaitSeconds { get; private set; }
    public double MaxWaitSeconds { get; private set; }
    public double MeanWaitSeconds => waits.Count == 0 ? 0 : TotalWaitSeconds / waits.Count;
    /// <summary>Wait before each batch, in order.</summary>
    public IReadOnlyList<double> WaitPerBatch => waits;

    internal void Record(long startTimestamp, int samples)
    {
        var seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        waits.Add(seconds);
        Samples += samples;
        TotalWaitSeconds += seconds;
        MaxWaitSeconds = Math.Max(MaxWaitSeconds, seconds);
    }

    public override string ToString() =>
        $"{Batches} batches, data wait mean {MeanWaitSeconds * 1000:F2} ms, max {MaxWaitSeconds * 1000:F2} ms, total {TotalWaitSeconds:F3} s";
}
