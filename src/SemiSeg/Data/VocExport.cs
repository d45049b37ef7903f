using System.Diagnostics;
using SemiSeg.Torch;
using SemiSeg.Training;

namespace SemiSeg.Data;

/// <summary>
/// Writes a folder dataset (a FashionScenes build or any <see cref="FolderDataset"/>) in the PASCAL VOC
/// layout the official U2PL loader reads (u2pl/dataset/base.py, pascal_voc.py), so the official code
/// trains on the same pixels and splits as ours:
/// <code>
/// JPEGImages/&lt;id&gt;.jpg                  the image, PNG-encoded (see below)
/// SegmentationClassAug/&lt;id&gt;.png        one channel: class indices, 255 ignore
/// splits/pascal/&lt;list&gt;.txt           every split list of the source, one id per line, same relative paths
/// classes.txt                        the source's class names
/// export-voc.txt                     what was exported from where (written last)
/// </code>
/// base.py builds the image path as <c>JPEGImages/{id}.jpg</c> but decodes it with PIL's
/// <c>Image.open</c>, which reads the format from the file's signature, not its name; our
/// <see cref="VocDataset"/> decodes by content too (OpenCV). So the images are written as lossless PNG
/// bytes under the .jpg name: both readers see exactly the source's decoded pixels, where a real JPEG
/// (even at quality 100, with chroma subsampling) would change the saturated garment edges.
/// base.py also picks its parser from the list's path: it must contain "pascal" (or "VOC") and not
/// "cityscapes", hence <c>splits/pascal/</c>. A source image without a mask gets an all-255 mask: the
/// official loader reads a label for unlabelled images too.
/// </summary>
public static class VocExport
{
    public const string DescriptionFile = "export-voc.txt";
    /// <summary>Split lists go below this folder: base.py parses a list as VOC only when its path holds "pascal".</summary>
    public static readonly string SplitFolder = Path.Combine("splits", "pascal");

    private static readonly string[] Owned = { VocDataset.ImageFolder, VocDataset.AugmentedLabelFolder, "splits" };

    /// <param name="sourceRoot">a folder dataset: images/, masks/, classes.txt</param>
    /// <param name="outDirectory">new or empty folder, or an earlier export (replaced)</param>
    /// <param name="splitsDirectory">folder of split lists (searched recursively); default sourceRoot/splits; without one every image is exported</param>
    public static VocExportReport Export(string sourceRoot, string outDirectory, string? splitsDirectory = null)
    {
        var clock = Stopwatch.StartNew();
        if (!Directory.Exists(sourceRoot)) throw new DatasetException(sourceRoot, "source folder does not exist");
        if (Path.GetFullPath(sourceRoot).TrimEnd('/') == Path.GetFullPath(outDirectory).TrimEnd('/'))
            throw new ArgumentException($"{outDirectory}: the export must go to another folder than its source");
        var lists = FindLists(splitsDirectory ?? Path.Combine(sourceRoot, "splits"), splitsDirectory is not null);
        var options = new DatasetOptions { LabelsRequired = false };
        // Each list is opened as the folder dataset would open it, so a bad entry is named by list and line.
        var opened = lists.Count == 0
            ? new[] { (Relative: "all.txt", Dataset: FolderDataset.Open(sourceRoot, null, options)) }
            : lists.Select(l => (l.Relative, Dataset: FolderDataset.Open(sourceRoot, l.Path, options))).ToArray();
        // Each id once, read through the first list that names it.
        var samples = new Dictionary<string, (SegmentationDataset Dataset, int Index)>(StringComparer.Ordinal);
        foreach (var (_, dataset) in opened)
            for (var i = 0; i < dataset.Count; i++)
            {
                CheckId(dataset.Samples[i]);
                samples.TryAdd(dataset.Samples[i].Id, (dataset, i));
            }
        var classNames = opened[0].Dataset.ClassNames;

        PrepareOutput(outDirectory);
        var ordered = samples.Values.ToArray();
        var unlabelled = 0;
        Parallel.For(0, ordered.Length, i =>
        {
            var (dataset, index) = ordered[i];
            if (dataset.Samples[index].LabelPath is null) Interlocked.Increment(ref unlabelled);
            var sample = dataset.Read(index);   // decoded and checked: size, class range; a missing mask reads as all-ignore
            WritePng(ImagePath(outDirectory, sample.Id), sample.Image);
            WritePng(LabelPath(outDirectory, sample.Id), sample.Label);
        });
        var written = new List<(string, int)>();
        foreach (var (relative, dataset) in opened)
        {
            var ids = dataset.Samples.Select(s => s.Id).ToArray();
            AtomicFile.Write(Path.Combine(outDirectory, SplitFolder, relative), temp => SplitFile.Write(temp, ids));
            written.Add((Path.Combine(SplitFolder, relative), ids.Length));
        }
        AtomicFile.WriteAllText(Path.Combine(outDirectory, FolderDataset.ClassNamesFile), string.Join("\n", classNames) + "\n");
        var report = new VocExportReport(Path.GetFullPath(sourceRoot), Path.GetFullPath(outDirectory), ordered.Length, unlabelled,
                                         classNames, written, clock.Elapsed.TotalSeconds);
        AtomicFile.WriteAllText(Path.Combine(outDirectory, DescriptionFile), report.Describe());
        return report;
    }

    /// <summary>The exported image of <paramref name="id"/>: PNG bytes under the name base.py builds.</summary>
    public static string ImagePath(string outDirectory, string id) => Path.Combine(outDirectory, VocDataset.ImageFolder, id + ".jpg");

    public static string LabelPath(string outDirectory, string id) => Path.Combine(outDirectory, VocDataset.AugmentedLabelFolder, id + ".png");

    private static IReadOnlyList<(string Path, string Relative)> FindLists(string directory, bool required)
    {
        if (!Directory.Exists(directory))
        {
            if (required) throw new DatasetException(directory, "splits folder does not exist");
            return Array.Empty<(string, string)>();
        }
        return Directory.EnumerateFiles(directory, "*.txt", SearchOption.AllDirectories)
                        .Select(p => (p, Path.GetRelativePath(directory, p)))
                        .OrderBy(l => l.Item2, StringComparer.Ordinal).ToArray();
    }

    private static void CheckId(SampleFiles sample)
    {
        // base.py strips the line and formats it into a path; our VocDataset reads a line with a space as two paths.
        if (sample.Id.Any(char.IsWhiteSpace) || sample.Id.Contains('\\') || sample.Id.StartsWith('/') || sample.Id.Split('/').Contains(".."))
            throw new DatasetException(sample.ImagePath, $"id '{sample.Id}' cannot be a VOC id (no spaces, backslashes, leading '/' or '..')");
    }

    private static void PrepareOutput(string outDirectory)
    {
        // An earlier export is replaced; a folder holding VOC folders from anything else is refused rather than emptied.
        var present = Owned.Where(f => Directory.Exists(Path.Combine(outDirectory, f))).ToArray();
        if (present.Length > 0 && !File.Exists(Path.Combine(outDirectory, DescriptionFile)))
            throw new ArgumentException($"{outDirectory} holds {string.Join(", ", present.Select(f => f + "/"))} but no {DescriptionFile} from an export; choose an empty or new folder");
        foreach (var folder in present) Directory.Delete(Path.Combine(outDirectory, folder), recursive: true);
        Directory.CreateDirectory(outDirectory);
        // Overwritten when the export ends: until then the folder reads as unfinished.
        File.WriteAllText(Path.Combine(outDirectory, DescriptionFile), "VOC export in progress (or interrupted)\n");
        Directory.CreateDirectory(Path.Combine(outDirectory, VocDataset.ImageFolder));
        Directory.CreateDirectory(Path.Combine(outDirectory, VocDataset.AugmentedLabelFolder));
    }

    /// <summary>PNG-encodes to a temporary *.png beside the target (the encoder follows the extension), then renames.</summary>
    private static void WritePng(string path, ByteImage image)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp.png");
        try
        {
            ImageFile.Write(temp, image);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
    }
}
