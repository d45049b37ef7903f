namespace SemiSeg.Data;

/// <summary>
/// How U2PL sizes an epoch (pascal_voc.py / cityscapes.py, voc_dset.__init__): with L labelled and
/// U unlabelled images, both training sets are resampled once to U entries (the labelled list is
/// repeated ceil(U / L) times and U entries are drawn from it), so an epoch is U / batch steps and
/// each step takes one labelled and one unlabelled batch: the unlabelled stream is paced to the labelled one.
/// </summary>
public static class EpochPlan
{
    /// <summary>The dataset indices of a set of <paramref name="count"/> resampled to <paramref name="target"/> entries.</summary>
    public static int[] ResampledPool(int count, int target, ulong seed)
    {
        if (count < 1) throw new ArgumentException("cannot resample an empty set");
        if (target < 1) throw new ArgumentException($"target size {target} must be at least 1");
        var repeats = (target + count - 1) / count;
        var repeated = new int[count * repeats];
        for (var i = 0; i < repeated.Length; i++) repeated[i] = i % count;
        // random.sample(list, target): the first target entries of a random permutation.
        DeterministicRandom.For(seed, 0x504F_4F4C).Shuffle(repeated);
        return repeated[..target];
    }

    /// <summary>Entries per epoch for both streams: the unlabelled count (the labelled count without unlabelled data).</summary>
    public static int EpochSize(int labelledCount, int unlabelledCount) => unlabelledCount > 0 ? unlabelledCount : labelledCount;
}
