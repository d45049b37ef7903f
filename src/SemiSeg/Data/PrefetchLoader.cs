using System.Diagnostics;

namespace SemiSeg.Data;

/// <summary>
/// Batches made by background worker threads into a bounded queue: workers decode and augment
/// into managed buffers, at most <see cref="LoaderOptions.Prefetch"/> batches ahead of the
/// consumer, and batches come out in epoch order. Each sample's random generator is derived from
/// (seed, epoch, position in the epoch), so the batches do not depend on the number of workers or
/// their timing. A fault in a worker is rethrown to the consumer at that batch.
/// </summary>
public sealed class PrefetchLoader
{
    private readonly Func<int, DeterministicRandom, AugmentedSample> produce;
    private readonly IReadOnlyList<int> pool;
    private readonly LoaderOptions options;

    /// <summary>Time the consumer waited for each batch.</summary>
    public LoaderStats Stats { get; } = new();

    /// <param name="pool">dataset indices an epoch goes through (default: each sample once)</param>
    /// <param name="strong">also make iMAS's strong intensity copy (unlabelled streams)</param>
    public PrefetchLoader(SegmentationDataset dataset, SegmentationTransform transform, LoaderOptions options,
                          IReadOnlyList<int>? pool = null, bool strong = false)
        : this((index, random) => transform.Apply(dataset.Read(index), random, strong),
               pool ?? Enumerable.Range(0, dataset.Count).ToArray(), options) { }

    public PrefetchLoader(Func<int, DeterministicRandom, AugmentedSample> produce, IReadOnlyList<int> pool, LoaderOptions options)
    {
        options.Validate();
        if (pool.Count == 0) throw new ArgumentException("the loader has no samples");
        this.produce = produce; this.pool = pool; this.options = options;
        if (BatchesPerEpoch == 0)
            throw new ArgumentException($"{pool.Count} samples make no full batch of {options.BatchSize} (drop_last)");
    }

    public int BatchesPerEpoch => options.DropLast ? pool.Count / options.BatchSize : (pool.Count + options.BatchSize - 1) / options.BatchSize;

    /// <summary>Dataset indices in the order epoch <paramref name="epoch"/> visits them (shuffled by seed and epoch).</summary>
    public int[] EpochOrder(int epoch)
    {
        var order = pool.ToArray();
        if (options.Shuffle) DeterministicRandom.For(options.Seed, 0x4550_4F43, epoch).Shuffle(order);
        return order;
    }

    public IEnumerable<SampleBatch> Epoch(int epoch)
    {
        var order = EpochOrder(epoch);
        var count = BatchesPerEpoch;
        var slots = new TaskCompletionSource<SampleBatch>[count];
        for (var b = 0; b < count; b++) slots[b] = new TaskCompletionSource<SampleBatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var capacity = new SemaphoreSlim(options.Prefetch);
        using var stop = new CancellationTokenSource();
        var next = -1;
        void Work()
        {
            try
            {
                while (true)
                {
                    // A slot is taken before a batch number, so work never runs more than Prefetch batches ahead.
                    capacity.Wait(stop.Token);
                    var b = Interlocked.Increment(ref next);
                    if (b >= count) return;
                    try { slots[b].SetResult(MakeBatch(order, b, epoch)); }
                    catch (Exception e) { slots[b].SetException(e); }
                }
            }
            catch (OperationCanceledException) { }
        }
        var workers = Enumerable.Range(0, options.Workers)
            .Select(i => new Thread(Work) { IsBackground = true, Name = $"semiseg-loader-{i}" }).ToArray();
        foreach (var worker in workers) worker.Start();
        try
        {
            for (var b = 0; b < count; b++)
            {
                var start = Stopwatch.GetTimestamp();
                var batch = slots[b].Task.GetAwaiter().GetResult();   // rethrows a worker's exception as is
                Stats.Record(start, batch.Size);
                slots[b] = null!;
                capacity.Release();
                yield return batch;
            }
        }
        finally
        {
            // Also runs when the consumer stops early: workers finish their current batch and leave.
            stop.Cancel();
            foreach (var worker in workers) worker.Join();
        }
    }

    // The batch's rows, or this shard's of them (LoaderOptions.ShardCount): positions keep their epoch numbering,
    // so a row's sample and augmentation are the same whichever process loads it.
    private SampleBatch MakeBatch(int[] order, int batchIndex, int epoch)
    {
        var first = batchIndex * options.BatchSize;
        var size = Math.Min(options.BatchSize, order.Length - first);
        if (options.ShardCount > 1)
        {
            size /= options.ShardCount;   // drop_last batches: always whole, divisible (LoaderOptions.Validate)
            first += options.ShardRank * size;
        }
        var samples = new AugmentedSample[size];
        var indices = new int[size];
        for (var k = 0; k < size; k++)
        {
            indices[k] = order[first + k];
            samples[k] = produce(indices[k], DeterministicRandom.For(options.Seed, 0x5341_4D50, epoch, first + k));
        }
        return new SampleBatch(samples, indices);
    }
}
