namespace SemiSeg.Training;

/// <summary>
/// trainer.divergence_factor: stops a run whose loss is finite but exploding, so that the last
/// checkpoint, written at the end of an epoch the guard let pass, is really good. A step's total
/// loss above factor x the median of the recent steps' totals counts as diverged; the check starts
/// once <see cref="MinimumHistory"/> steps are known (a resumed run starts a new history).
/// The median rather than the mean, so that one earlier spike does not raise the bar.
/// </summary>
public sealed class DivergenceGuard(double factor)
{
    public const int Window = 50;
    public const int MinimumHistory = 10;

    private readonly Queue<double> recent = new();

    /// <summary>Null when <paramref name="total"/> is acceptable; otherwise why not. Acceptable totals join the history.</summary>
    public string? Check(double total)
    {
        if (factor > 0 && recent.Count >= MinimumHistory)
        {
            var sorted = recent.Order().ToArray();
            var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            if (total > factor * Math.Max(median, 1e-12))
                return $"total loss {total:G4} is more than trainer.divergence_factor {factor:G4} times the median {median:G4} of the last {recent.Count} steps";
        }
        recent.Enqueue(total);
        if (recent.Count > Window) recent.Dequeue();
        return null;
    }
}
