using SemiSeg.Config;
using SemiSeg.Data;
using YamlDotNet.RepresentationModel;

namespace SemiSeg.Training;

/// <summary>
/// The config's <c>dataset:</c> section with the official U2PL keys (type, train, val, batch_size,
/// n_sup, workers, mean, std, ignore_label). Ours: train.unlabeled_list (default: unlabeled.txt beside
/// a labelled list named labeled.txt, as the official loader derives it; no default for a list named
/// otherwise, so an unlabelled set is never guessed),
/// val.mode (center, full, sliding), val.batch_size, class_names, prefetch.
/// </summary>
public sealed record DataConfig
{
    public const int IgnoreLabel = 255;

    public required string Type { get; init; }
    public required string TrainRoot { get; init; }
    public required string LabeledList { get; init; }
    /// <summary>The unlabelled split list; null when neither given nor derivable (a labelled list not named labeled.txt).</summary>
    public required string? UnlabeledList { get; init; }
    /// <summary>True when <see cref="UnlabeledList"/> is the default beside labeled.txt rather than given.</summary>
    public bool UnlabeledListIsDerived { get; init; }
    public required string ValRoot { get; init; }
    public required string ValList { get; init; }
    public required AugmentationOptions TrainAugmentation { get; init; }
    public required AugmentationOptions ValAugmentation { get; init; }
    public string ValMode { get; init; } = "center";
    public int BatchSize { get; init; } = 4;
    public int ValBatchSize { get; init; } = 1;
    public int Workers { get; init; } = 2;
    public int Prefetch { get; init; } = 4;
    public string? ClassNamesFile { get; init; }
    /// <summary>
    /// dataset.n_sup: the labelled count the official loaders size an epoch by (total - n_sup
    /// unlabelled). Ours sizes it by the lists, so n_sup must agree with the labelled list: checked
    /// when the lists are opened, so a changed data_list with a stale n_sup is not silently ignored.
    /// </summary>
    public int? LabeledCount { get; init; }

    /// <summary>True for PASCAL VOC configs, where the official code trains the heads at 10x the base learning rate.</summary>
    public bool IsPascal => Type.StartsWith("pascal", StringComparison.Ordinal);

    internal static DataConfig Read(ConfigNode root, string configDirectory)
    {
        var d = root.Section("dataset");
        var type = d.Choice("type", "pascal_semi", "pascal_semi", "pascal", "cityscapes_semi", "cityscapes", "folder", "fashion_scenes");
        var mean = d.Doubles("mean", 3) ?? new[] { 123.675, 116.28, 103.53 };
        var std = d.Doubles("std", 3) ?? new[] { 58.395, 57.12, 57.375 };
        if (std.Any(s => s <= 0)) throw d.Error("dataset.std", "every value must be positive");
        var ignore = d.Int("ignore_label", IgnoreLabel);
        if (ignore != IgnoreLabel) throw d.Error("dataset.ignore_label", $"{ignore}: only 255 is supported (labels are 8-bit, 255 = ignore)");
        d.Accept("noise_std");

        var train = d.Section("train");
        var trainRoot = PathIn(configDirectory, train.String("data_root") ?? throw train.Error("dataset.train.data_root", "is required"));
        var labeled = PathIn(configDirectory, train.String("data_list") ?? throw train.Error("dataset.train.data_list", "is required"));
        var unlabeled = train.String("unlabeled_list") is { } u ? PathIn(configDirectory, u) : DerivedUnlabeledList(labeled);
        if (unlabeled == labeled)
            throw train.Error("dataset.train.unlabeled_list", $"is the labelled list {labeled}; the unlabelled images must be another list");
        var trainAug = ReadAugmentation(train, "dataset.train", mean, std, training: true);

        var val = d.Section("val");
        var valRoot = val.String("data_root") is { } vr ? PathIn(configDirectory, vr) : trainRoot;
        var valList = PathIn(configDirectory, val.String("data_list") ?? throw val.Error("dataset.val.data_list", "is required"));
        var valAug = ReadAugmentation(val, "dataset.val", mean, std, training: false);
        var mode = val.Choice("mode", valAug.Crop is null ? "full" : "center", "center", "full", "sliding");
        if (mode == "sliding" && valAug.Crop is null) throw val.Error("dataset.val.mode", "sliding needs dataset.val.crop.size (the window)");

        return new DataConfig
        {
            Type = type, TrainRoot = trainRoot, LabeledList = labeled, UnlabeledList = unlabeled,
            UnlabeledListIsDerived = !train.Has("unlabeled_list") && unlabeled is not null,
            ValRoot = valRoot, ValList = valList, TrainAugmentation = trainAug,
            // Sliding-window evaluation reads whole images; the crop size becomes the window.
            ValAugmentation = mode == "center" ? valAug : valAug with { Crop = null },
            ValMode = mode,
            BatchSize = d.Int("batch_size", 4, 1, 4096),
            ValBatchSize = val.Int("batch_size", 1, 1, 4096),
            Workers = d.Int("workers", 2, 1, 64),
            Prefetch = d.Int("prefetch", 4, 1, 1024),
            ClassNamesFile = d.String("class_names") is { } names ? PathIn(configDirectory, names) : null,
            LabeledCount = d.IntOrNull("n_sup", 1),
            ValWindow = valAug.Crop,
        };
    }

    /// <summary>The official loader's unlabelled list: unlabeled.txt in the folder of a list named labeled.txt; otherwise none.</summary>
    public const string OfficialLabeledName = "labeled.txt";
    public const string OfficialUnlabeledName = "unlabeled.txt";

    private static string? DerivedUnlabeledList(string labeled) =>
        Path.GetFileName(labeled) == OfficialLabeledName ? Path.Combine(Path.GetDirectoryName(labeled)!, OfficialUnlabeledName) : null;

    /// <summary>The unlabelled list, or one error naming the key when the config neither gives nor implies it.</summary>
    public string RequireUnlabeledList(string method) => UnlabeledList ?? throw new ConfigException("dataset.train.unlabeled_list",
        $"is required by method {method}: the labelled list {LabeledList} is not named {OfficialLabeledName}, so the unlabelled list cannot be derived from it");

    /// <summary>The sliding window (crop size of dataset.val), when val.mode is sliding.</summary>
    public (int Height, int Width)? ValWindow { get; init; }

    private static AugmentationOptions ReadAugmentation(ConfigNode node, string path, double[] mean, double[] std, bool training)
    {
        var resize = node.Doubles("rand_resize", 2);
        if (resize is not null && !(resize[0] > 0 && resize[1] >= resize[0]))
            throw node.Error($"{path}.rand_resize", $"[{resize[0]}, {resize[1]}] is not a scale range (0 < min <= max)");
        var crop = node.Section("crop");
        var size = crop.Ints("size", 2);
        if (size is not null && size.Any(s => s < 1)) throw crop.Error($"{path}.crop.size", "sizes must be positive");
        var cropType = crop.Choice("type", training ? "rand" : "center", "rand", "center");
        // The official configs keep rand_rotation commented out; where it is set, the official loader rotates,
        // which is not implemented here, so a value is an error rather than silently ignored.
        node.Accept("rand_rotation");
        if (node.Mapping.Children.TryGetValue(new YamlScalarNode("rand_rotation"), out var rotation) &&
            rotation is not YamlScalarNode { Value: null or "" or "~" or "null" or "False" or "false" })
            throw node.Error($"{path}.rand_rotation", "random rotation is not implemented; remove the key (the official configs leave it commented out)", rotation);
        return new AugmentationOptions
        {
            Mean = mean, Std = std,
            RandResize = resize is null ? null : (resize[0], resize[1]),
            Flip = node.Bool("flip", false),
            GaussianBlur = node.Bool("GaussianBlur", false),
            Crop = size is null ? null : (size[0], size[1]),
            CropMode = cropType == "rand" ? CropMode.Random : CropMode.Center,
            // label_pad (ours): the label of pixels a crop pads; the official Crop forces 0 (background,
            // u2pl/dataset/augmentation.py:241-243), so the official configs set 0; 255 keeps padding out of the loss.
            LabelPad = (byte)crop.Int("label_pad", LabelImage.IgnoreIndex, 0, 255),
            IntensityOps = node.Int("strong_ops", training ? OfficialStrongOps : 0, 0, 12),
        };
    }

    /// <summary>iMAS's strong operations per image: its configs' strong_aug.num_augs, 2 in every official config and VOC log.</summary>
    public const int OfficialStrongOps = 2;

    /// <summary>
    /// Relative paths are taken from the config file's folder: the official scripts run from the
    /// experiment folder that holds config.yaml, so their ../../data paths keep working.
    /// </summary>
    private static string PathIn(string configDirectory, string path) => Path.GetFullPath(Path.Combine(configDirectory, path));
}
