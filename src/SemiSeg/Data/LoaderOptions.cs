namespace SemiSeg.Data;

/// <summary>How a loader batches and prefetches (U2PL's batch_size and workers, plus the prefetch depth).</summary>
public sealed record LoaderOptions
{
    public int BatchSize { get; init; } = 8;
    /// <summary>Background threads that decode and augment.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>Batches made ahead of the consumer at most (the bound of the queue).</summary>
    public int Prefetch { get; init; } = 4;
    public bool Shuffle { get; init; } = true;
    public bool DropLast { get; init; } = true;
    public ulong Seed { get; init; }

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize} must be at least 1");
        if (Workers < 1) throw new ArgumentException($"workers {Workers} must be at least 1");
        if (Prefetch < 1) throw new ArgumentException($"prefetch {Prefetch} must be at least 1");
    }
}
