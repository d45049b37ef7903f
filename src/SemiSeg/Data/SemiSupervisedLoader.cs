namespace SemiSeg.Data;

/// <summary>
/// The labelled and unlabelled streams of semi-supervised training, each with its own workers and
/// seed, paced as U2PL's train loop: each step takes one batch from each, and an epoch is
/// <see cref="StepsPerEpoch"/> steps (see <see cref="EpochPlan"/>).
/// </summary>
public sealed class SemiSupervisedLoader
{
    public PrefetchLoader Labelled { get; }
    public PrefetchLoader Unlabelled { get; }

    /// <param name="strongUnlabelled">make iMAS's strong intensity copy of unlabelled images</param>
    public SemiSupervisedLoader(SegmentationDataset labelled, SegmentationDataset unlabelled, SegmentationTransform transform,
                                LoaderOptions options, bool strongUnlabelled = false)
    {
        var epochSize = EpochPlan.EpochSize(labelled.Count, unlabelled.Count);
        var labelledSeed = DeterministicRandom.For(options.Seed, 1).NextUInt64();
        var unlabelledSeed = DeterministicRandom.For(options.Seed, 2).NextUInt64();
        Labelled = new PrefetchLoader(labelled, transform, options with { Seed = labelledSeed, DropLast = true },
                                      EpochPlan.ResampledPool(labelled.Count, epochSize, labelledSeed));
        Unlabelled = new PrefetchLoader(unlabelled, transform, options with { Seed = unlabelledSeed, DropLast = true },
                                        EpochPlan.ResampledPool(unlabelled.Count, epochSize, unlabelledSeed), strongUnlabelled);
    }

    public int StepsPerEpoch => Labelled.BatchesPerEpoch;

    public IEnumerable<(SampleBatch Labelled, SampleBatch Unlabelled)> Epoch(int epoch)
    {
        using var labelled = Labelled.Epoch(epoch).GetEnumerator();
        using var unlabelled = Unlabelled.Epoch(epoch).GetEnumerator();
        for (var step = 0; step < StepsPerEpoch; step++)
        {
            labelled.MoveNext();
            unlabelled.MoveNext();
            yield return (labelled.Current, unlabelled.Current);
        }
    }
}
