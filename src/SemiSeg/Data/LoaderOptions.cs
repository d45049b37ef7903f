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

    /// <summary>
    /// In a data-parallel run, how many processes share each batch (<see cref="ShardRank"/> is this
    /// one): a process loads only rows [rank B/n, (rank+1) B/n) of every batch of <see cref="BatchSize"/>
    /// (the global batch), each drawn exactly as in the whole batch, since a sample's augmentation
    /// comes from its position in the epoch. 1: the whole batch.
    /// </summary>
    public int ShardCount { get; init; } = 1;
    public int ShardRank { get; init; }

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize} must be at least 1");
        if (ShardCount < 1 || ShardRank < 0 || ShardRank >= ShardCount)
            throw new ArgumentException($"shard {ShardRank} of {ShardCount} is not a shard");
        if (BatchSize % ShardCount != 0 || (ShardCount > 1 && !DropLast))
            throw new ArgumentException($"a batch of {BatchSize} does not split into {ShardCount} equal shards");
        if (Workers < 1) throw new ArgumentException($"workers {Workers} must be at least 1");
        if (Prefetch < 1) throw new ArgumentException($"prefetch {Prefetch} must be at least 1");
    }
}
