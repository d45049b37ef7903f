using System.Diagnostics;
using System.Globalization;
using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// Builds the FashionScenes benchmark on disk in the <see cref="FolderDataset"/> layout:
/// <code>
/// images/{train,val}_NNNNN.png   masks/{train,val}_NNNNN.png   classes.txt
/// splits/train.txt  splits/val.txt  splits/&lt;n&gt;/labeled.txt + unlabeled.txt (1/16, 1/8, 1/4, 1/2 and
/// all of the labelled pool; unlabelled = every other training scene)
/// scenes.tsv (the garments of every scene)  fashion-scenes.txt (parameters and class pixel shares)
/// </code>
/// Train scenes use Fashion-MNIST's training garments only, val scenes its test garments only.
/// Scene i of a split draws from its own generator (seed, split, i), so the output is byte-identical
/// for a seed however many threads build it.
/// </summary>
public static class FashionScenes
{
    public const string DescriptionFile = "fashion-scenes.txt";

    public static IReadOnlyList<string> ClassNames { get; } = new[] { "background" }.Concat(FashionMnist.ClassNames).ToArray();

    /// <summary>Builds the dataset; returns the pixel count of each class (index 11 = ignore) and the timing.</summary>
    public static FashionScenesReport Build(string outDirectory, FashionScenesOptions options, FashionMnist trainGarments, FashionMnist testGarments)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        // A rebuild replaces what an earlier build wrote (other parameters leave other split folders);
        // files the builder does not own, such as the pre-trained encoders, stay. A folder that holds
        // images/, masks/ or splits/ from anything else is refused rather than emptied.
        var owned = new[] { FolderDataset.ImageFolder, FolderDataset.MaskFolder, "splits" };
        var present = owned.Where(f => Directory.Exists(Path.Combine(outDirectory, f))).ToArray();
        var ours = BuiltHeader(outDirectory)?.StartsWith("FashionScenes", StringComparison.Ordinal) == true;
        if (present.Length > 0 && !ours)
            throw new ArgumentException($"{outDirectory} holds {string.Join(", ", present.Select(f => f + "/"))} but no {DescriptionFile} from a FashionScenes build; choose an empty or new folder");
        foreach (var folder in present) Directory.Delete(Path.Combine(outDirectory, folder), recursive: true);
        Directory.CreateDirectory(outDirectory);
        // Overwritten with the parameters when the build ends: until then the folder reads as unfinished.
        File.WriteAllText(Path.Combine(outDirectory, DescriptionFile), "FashionScenes build in progress (or interrupted)\n");
        Directory.CreateDirectory(Path.Combine(outDirectory, FolderDataset.ImageFolder));
        Directory.CreateDirectory(Path.Combine(outDirectory, FolderDataset.MaskFolder));
        var train = BuildSplit(outDirectory, "train", options.TrainScenes, trainGarments, options, 1);
        var val = BuildSplit(outDirectory, "val", options.ValScenes, testGarments, options, 2);
        File.WriteAllText(Path.Combine(outDirectory, FolderDataset.ClassNamesFile), string.Join("\n", ClassNames) + "\n");
        var splits = Path.Combine(outDirectory, "splits");
        SplitFile.Write(Path.Combine(splits, "train.txt"), train.Ids);
        SplitFile.Write(Path.Combine(splits, "val.txt"), val.Ids);
        var pool = train.Ids.Take(options.EffectiveLabelledPool).ToArray();
        foreach (var fraction in SplitGenerator.ProtocolFractions.Select(f => f.Fraction).Append(1.0))
        {
            var labelled = SplitGenerator.ByFraction(pool, fraction, options.Seed).Labelled;
            var chosen = labelled.ToHashSet();
            var partition = new LabelledPartition(labelled, train.Ids.Where(id => !chosen.Contains(id)).ToArray());
            if (partition.Unlabelled.Count == 0) continue;   // the pool is every scene: "full" is train.txt
            SplitFile.WritePartition(Path.Combine(splits, labelled.Count.ToString(CultureInfo.InvariantCulture)), partition);
        }
        File.WriteAllLines(Path.Combine(outDirectory, "scenes.tsv"),
            new[] { "id\tgarments (source index:class:side:top:left, in paste order)" }.Concat(train.Manifest).Concat(val.Manifest));
        var report = new FashionScenesReport(options, train.PixelCounts, val.PixelCounts, clock.Elapsed.TotalSeconds);
        File.WriteAllText(Path.Combine(outDirectory, DescriptionFile), report.Describe());
        return report;
    }

    /// <summary>Whether the folder holds a finished build with these parameters (fashion-scenes.txt is written last).</summary>
    public static bool IsBuilt(string directory, FashionScenesOptions options) => BuiltHeader(directory) == options.Header;

    /// <summary>The first line of an existing build's fashion-scenes.txt, or null.</summary>
    public static string? BuiltHeader(string directory)
    {
        var description = Path.Combine(directory, DescriptionFile);
        return File.Exists(description) ? File.ReadLines(description).FirstOrDefault() : null;
    }

    private sealed record SplitResult(string[] Ids, string[] Manifest, long[] PixelCounts);

    private static SplitResult BuildSplit(string outDirectory, string split, int count, FashionMnist garments, FashionScenesOptions options, long splitKey)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{split}_{i:D5}").ToArray();
        var manifest = new string[count];
        var counts = new long[count, ClassNames.Count + 1];
        Parallel.For(0, count, i =>
        {
            var random = DeterministicRandom.For(options.Seed, 0x4653_4345_4E45, splitKey, i);
            var (image, label, pasted) = FashionScene.Render(garments, options, random);
            ImageFile.Write(Path.Combine(outDirectory, FolderDataset.ImageFolder, ids[i] + ".png"), image);
            ImageFile.Write(Path.Combine(outDirectory, FolderDataset.MaskFolder, ids[i] + ".png"), label);
            manifest[i] = ids[i] + "\t" + string.Join(" ", pasted.Select(g => $"{g.Source}:{g.Class}:{g.Side}:{g.Top}:{g.Left}"));
            foreach (var v in label.Pixels) counts[i, v == LabelImage.IgnoreIndex ? ClassNames.Count : v]++;
        });
        var totals = new long[ClassNames.Count + 1];
        for (var i = 0; i < count; i++)
            for (var c = 0; c < totals.Length; c++) totals[c] += counts[i, c];
        return new SplitResult(ids, manifest, totals);
    }
}
