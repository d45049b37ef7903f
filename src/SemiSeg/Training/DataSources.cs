using SemiSeg.Data;

namespace SemiSeg.Training;

/// <summary>The datasets and loaders a config describes: labelled, unlabelled (semi-supervised methods) and validation.</summary>
public sealed class DataSources
{
    public required SegmentationDataset Labeled { get; init; }
    public SegmentationDataset? Unlabeled { get; init; }
    public required SegmentationDataset Validation { get; init; }
    public required SegmentationTransform TrainTransform { get; init; }
    public required SegmentationTransform ValTransform { get; init; }
    public IReadOnlyList<string> ClassNames => Labeled.ClassNames;

    public static DataSources Open(DataConfig config, bool unlabeled)
    {
        // Headers of every listed file are read now (sizes, truncation), so a bad validation image stops the run before its first step, not after an epoch.
        var labeledOptions = new DatasetOptions { Scan = DatasetScan.Headers };
        if (unlabeled && config.UnlabeledListIsDerived && !File.Exists(config.UnlabeledList))
            throw new ConfigException("dataset.train.unlabeled_list", $"not given, and its default {config.UnlabeledList} (unlabeled.txt beside " +
                                      $"the labelled list, as the official loader takes it) does not exist; set it to the unlabelled split list");
        var sources = new DataSources
        {
            Labeled = OpenSplit(config, config.TrainRoot, config.LabeledList, labeledOptions),
            // Unlabelled images need no label file (a present one is not read for training).
            Unlabeled = unlabeled ? OpenSplit(config, config.TrainRoot, config.RequireUnlabeledList("that trains on unlabelled images"), labeledOptions with { LabelsRequired = false }) : null,
            Validation = OpenSplit(config, config.ValRoot, config.ValList, labeledOptions),
            TrainTransform = new SegmentationTransform(config.TrainAugmentation),
            ValTransform = new SegmentationTransform(config.ValAugmentation with { IntensityOps = 0 }),
        };
        if (config.LabeledCount is { } n && n != sources.Labeled.Count)
            throw new ConfigException("dataset.n_sup", $"is {n}, but the labelled list {config.LabeledList} has {sources.Labeled.Count} images; " +
                                      "the official loader sizes the epoch by n_sup, ours by the lists: set n_sup to the list's length (or remove it)");
        return sources;
    }

    public static SegmentationDataset OpenSplit(DataConfig config, string root, string list, DatasetOptions options)
    {
        if (!File.Exists(list)) throw new DatasetException(list, "split file not found");
        return config.Type switch
        {
            "pascal_semi" or "pascal" => VocDataset.Open(root, list, options),
            "cityscapes_semi" or "cityscapes" => CityscapesDataset.Open(root, list, options),
            _ => FolderDataset.Open(root, list, options, config.ClassNamesFile),
        };
    }

    /// <summary>
    /// The training stream: labelled and unlabelled paced together, or labelled alone. With
    /// <paramref name="worldSize"/> simulated replicas a step loads world_size x batch_size images of
    /// each kind, the global batch of the reproduced run (batch_size is per GPU, as in the official configs).
    /// In a data-parallel run of <paramref name="processes"/>, this process loads only its rows of that batch
    /// (<paramref name="rank"/>'s share), each sample drawn as in the whole batch.
    /// </summary>
    public ITrainingStream TrainingStream(DataConfig config, ulong seed, bool strongUnlabeled, int worldSize = 1, int processes = 1, int rank = 0)
    {
        var options = new LoaderOptions
        {
            BatchSize = config.BatchSize * worldSize, Workers = config.Workers, Prefetch = config.Prefetch, Seed = seed,
            ShardCount = processes, ShardRank = rank,
        };
        return Unlabeled is null
            ? new SupervisedStream(new PrefetchLoader(Labeled, TrainTransform, options with { DropLast = true }))
            : new SemiSupervisedStream(new SemiSupervisedLoader(Labeled, Unlabeled, TrainTransform, options, strongUnlabeled));
    }

    /// <summary>The validation set in order, in batches of dataset.val.batch_size (center crops) or one image.</summary>
    public PrefetchLoader ValidationLoader(DataConfig config) => new(Validation, ValTransform, ValidationOptions(config));

    /// <summary>
    /// A data-parallel process's share of the validation set: batches rank, rank + n, rank + 2n, ... of
    /// the batches <see cref="ValidationLoader"/> makes, so each image is read and decoded by one process
    /// only; null when the set has fewer batches than processes and this one has none.
    /// </summary>
    public PrefetchLoader? ValidationShard(DataConfig config, int processes, int rank)
    {
        if (processes == 1) return ValidationLoader(config);
        var options = ValidationOptions(config);
        var pool = ShardOfBatches(Validation.Count, options.BatchSize, processes, rank);
        return pool.Length == 0 ? null : new PrefetchLoader(Validation, ValTransform, options, pool);
    }

    private static LoaderOptions ValidationOptions(DataConfig config) => new()
    {
        BatchSize = config.ValMode == "center" ? config.ValBatchSize : 1,
        Workers = config.Workers, Prefetch = config.Prefetch, Shuffle = false, DropLast = false,
    };

    /// <summary>Indices of batches rank, rank + n, ... of [0, count) in batches of size (the last one may be short).</summary>
    public static int[] ShardOfBatches(int count, int batchSize, int processes, int rank) =>
        Enumerable.Range(0, count).Where(i => i / batchSize % processes == rank).ToArray();
}

/// <summary>Batches of one epoch: labelled, and unlabelled when the method uses them.</summary>
public interface ITrainingStream
{
    int StepsPerEpoch { get; }
    /// <summary>Seconds the training thread has waited for batches so far.</summary>
    double TotalWaitSeconds { get; }
    IEnumerable<(SampleBatch Labeled, SampleBatch? Unlabeled)> Epoch(int epoch);
}

internal sealed class SupervisedStream(PrefetchLoader loader) : ITrainingStream
{
    public int StepsPerEpoch => loader.BatchesPerEpoch;
    public double TotalWaitSeconds => loader.Stats.TotalWaitSeconds;
    public IEnumerable<(SampleBatch Labeled, SampleBatch? Unlabeled)> Epoch(int epoch) => loader.Epoch(epoch).Select(b => (b, (SampleBatch?)null));
}

internal sealed class SemiSupervisedStream(SemiSupervisedLoader loader) : ITrainingStream
{
    public int StepsPerEpoch => loader.StepsPerEpoch;
    public double TotalWaitSeconds => loader.Labelled.Stats.TotalWaitSeconds + loader.Unlabelled.Stats.TotalWaitSeconds;
    public IEnumerable<(SampleBatch Labeled, SampleBatch? Unlabeled)> Epoch(int epoch) => loader.Epoch(epoch).Select(p => (p.Labelled, (SampleBatch?)p.Unlabelled));
}
