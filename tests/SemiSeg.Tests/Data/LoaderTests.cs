using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

public class LoaderTests
{
    /// <summary>A synthetic sample whose values record its index and its generator's first draw.</summary>
    private static AugmentedSample Synthetic(int index, DeterministicRandom random) =>
        new($"s{index}", 1, 2, new float[] { index, (float)random.NextDouble(), 0, 0, 0, 0 }, new byte[] { (byte)index, 0 });

    private static List<(int[] Indices, float[] Images)> Run(PrefetchLoader loader, int epoch) =>
        loader.Epoch(epoch).Select(b => (b.Indices, b.Images)).ToList();

    [Fact]
    public void BatchesDoNotDependOnWorkerCountOrPrefetch()
    {
        var pool = Enumerable.Range(0, 37).ToArray();
        var one = new PrefetchLoader(Synthetic, pool, new LoaderOptions { BatchSize = 4, Workers = 1, Prefetch = 1, Seed = 3 });
        var three = new PrefetchLoader(Synthetic, pool, new LoaderOptions { BatchSize = 4, Workers = 3, Prefetch = 5, Seed = 3 });
        var a = Run(one, 2);
        var b = Run(three, 2);
        Assert.Equal(9, a.Count);   // 37 / 4, the last partial batch dropped
        Assert.Equal(a.Select(x => x.Indices), b.Select(x => x.Indices));
        Assert.Equal(a.Select(x => x.Images), b.Select(x => x.Images));
        // Another epoch visits the samples in another order.
        Assert.NotEqual(a.Select(x => x.Indices).SelectMany(i => i), Run(one, 3).Select(x => x.Indices).SelectMany(i => i));
        Assert.Equal(36, a.SelectMany(x => x.Indices).Distinct().Count());
    }

    /// <summary>
    /// A data-parallel rank's loader makes only its rows of each global batch, and they are the rows the
    /// whole batch holds there (same samples, same augmentation draws): the ranks together load the batch
    /// once, and nothing else.
    /// </summary>
    [Fact]
    public void EachShardMakesItsRowsOfTheWholeBatchAndNothingElse()
    {
        var pool = Enumerable.Range(0, 37).ToArray();
        var whole = Run(new PrefetchLoader(Synthetic, pool, new LoaderOptions { BatchSize = 6, Seed = 3 }), 1);
        var made = 0;
        AugmentedSample Counting(int i, DeterministicRandom r) { Interlocked.Increment(ref made); return Synthetic(i, r); }
        var shards = Enumerable.Range(0, 3)
            .Select(rank => Run(new PrefetchLoader(Counting, pool, new LoaderOptions { BatchSize = 6, Seed = 3, ShardCount = 3, ShardRank = rank }), 1))
            .ToList();
        Assert.Equal(6 * 6, made);   // 6 batches of 6 rows, each row made by one rank only
        for (var b = 0; b < whole.Count; b++)
        {
            Assert.Equal(whole[b].Indices, shards.SelectMany(s => s[b].Indices));
            Assert.Equal(whole[b].Images, shards.SelectMany(s => s[b].Images));
            Assert.All(shards, s => Assert.Equal(2, s[b].Indices.Length));
        }
        Assert.Throws<ArgumentException>(() => new PrefetchLoader(Synthetic, pool, new LoaderOptions { BatchSize = 6, ShardCount = 4, ShardRank = 0 }));
        Assert.Throws<ArgumentException>(() => new PrefetchLoader(Synthetic, pool, new LoaderOptions { BatchSize = 6, ShardCount = 2, ShardRank = 2 }));
    }

    [Fact]
    public void WorkersStayWithinThePrefetchBound()
    {
        var made = 0;
        AugmentedSample Counting(int i, DeterministicRandom r) { Interlocked.Increment(ref made); return Synthetic(i, r); }
        var loader = new PrefetchLoader(Counting, Enumerable.Range(0, 40).ToArray(), new LoaderOptions { BatchSize = 2, Workers = 2, Prefetch = 3 });
        var consumed = 0;
        foreach (var _ in loader.Epoch(0))
        {
            consumed++;
            Thread.Sleep(15);   // a slow consumer: workers must wait for it
            Assert.InRange(Volatile.Read(ref made) / 2, consumed, consumed + 3);
        }
        Assert.Equal(20, consumed);
        Assert.Equal(20, loader.Stats.Batches);
        Assert.Equal(40, loader.Stats.Samples);
    }

    [Fact]
    public void AWorkerFaultReachesTheConsumerAtItsBatch()
    {
        AugmentedSample Failing(int i, DeterministicRandom r) =>
            i == 13 ? throw new DatasetException("/data/13.png", "truncated PNG") : Synthetic(i, r);
        var loader = new PrefetchLoader(Failing, Enumerable.Range(0, 20).ToArray(), new LoaderOptions { BatchSize = 5, Shuffle = false, Workers = 2 });
        var delivered = new List<int>();
        var error = Assert.Throws<DatasetException>(() => { foreach (var b in loader.Epoch(0)) delivered.AddRange(b.Indices); });
        Assert.Equal("/data/13.png", error.FilePath);
        Assert.Equal(Enumerable.Range(0, 10), delivered);   // the batches before the bad one arrived in order
    }

    [Fact]
    public void StoppingEarlyEndsTheWorkers()
    {
        var made = 0;
        AugmentedSample Counting(int i, DeterministicRandom r) { Interlocked.Increment(ref made); return Synthetic(i, r); }
        var loader = new PrefetchLoader(Counting, Enumerable.Range(0, 1000).ToArray(), new LoaderOptions { BatchSize = 2, Prefetch = 2 });
        Assert.Equal(3, loader.Epoch(0).Take(3).Count());
        var after = Volatile.Read(ref made);
        Thread.Sleep(50);
        Assert.Equal(after, Volatile.Read(ref made));
        Assert.True(after <= (3 + 2) * 2, $"{after} samples made for 3 batches");
    }

    [Fact]
    public void EpochPlanResamplesLikeU2pl()
    {
        var labelled = EpochPlan.ResampledPool(3, 10, seed: 1);
        Assert.Equal(10, labelled.Length);
        Assert.All(Enumerable.Range(0, 3), i => Assert.InRange(labelled.Count(x => x == i), 2, 4));   // ceil(10/3) = 4 copies, 10 drawn
        var unlabelled = EpochPlan.ResampledPool(10, 10, seed: 1);
        Assert.Equal(Enumerable.Range(0, 10), unlabelled.Order());
        Assert.Equal(10, EpochPlan.EpochSize(3, 10));
        Assert.Equal(3, EpochPlan.EpochSize(3, 0));
    }

    [Fact]
    public void SemiSupervisedStreamsArePacedAndBecomeTensors()
    {
        using var temp = new TempDirectory();
        FashionScenesTests.BuildTiny(temp.Path, seed: 1, train: 10, val: 2);
        var split = SplitFile.ReadPartition(temp.Combine("splits", "3"));   // 1/4 of 10 = 3 labelled
        File.WriteAllLines(temp.Combine("l.txt"), split.Labelled);
        File.WriteAllLines(temp.Combine("u.txt"), split.Unlabelled);
        var labelled = FolderDataset.Open(temp.Path, temp.Combine("l.txt"));
        var unlabelled = FolderDataset.Open(temp.Path, temp.Combine("u.txt"));
        var transform = new SegmentationTransform(AugmentationOptions.Training(40) with { IntensityOps = 2 });
        var loader = new SemiSupervisedLoader(labelled, unlabelled, transform, new LoaderOptions { BatchSize = 2, Seed = 4 }, strongUnlabelled: true);
        Assert.Equal(3, loader.StepsPerEpoch);   // 7 unlabelled / batch 2
        var steps = 0;
        foreach (var (l, u) in loader.Epoch(0))
        {
            Assert.All(l.Ids, id => Assert.Contains(id, split.Labelled));
            Assert.All(u.Ids, id => Assert.Contains(id, split.Unlabelled));
            Assert.Null(l.StrongImages);
            Assert.NotNull(u.StrongImages);
            using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
            using var tensors = l.ToTensors();
            Assert.Equal(new long[] { 2, 3, 40, 40 }, tensors.Images.Shape);
            Assert.Equal(new long[] { 2, 40, 40 }, tensors.Labels.Shape);
            Assert.Equal(ScalarType.Int64, tensors.Labels.Dtype);
            steps++;
        }
        Assert.Equal(3, steps);
        Assert.Equal(3, loader.Labelled.Stats.Batches);
        Assert.Equal(3, loader.Unlabelled.Stats.Batches);
    }
}
