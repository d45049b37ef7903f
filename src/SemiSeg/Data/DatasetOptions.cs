namespace SemiSeg.Data;

/// <summary>How a dataset is opened.</summary>
public sealed record DatasetOptions
{
    /// <summary>Checks made at open; the rest are made when a sample is read.</summary>
    public DatasetScan Scan { get; init; } = DatasetScan.Files;

    /// <summary>Drop bad samples found by the open scan (listed in <see cref="SegmentationDataset.Skipped"/>) instead of failing.
    /// Only the open scan skips: a fault found when a sample is read always throws.</summary>
    public bool SkipBadSamples { get; init; }

    /// <summary>When false a missing label file is allowed (unlabelled images) and the sample reads as all-ignore.</summary>
    public bool LabelsRequired { get; init; } = true;

    public static DatasetOptions Default { get; } = new();
}
