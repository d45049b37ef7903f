namespace SemiSeg.Data;

/// <summary>
/// PASCAL VOC 2012 in its released layout: <c>JPEGImages/&lt;id&gt;.jpg</c> with labels in
/// <c>SegmentationClassAug/&lt;id&gt;.png</c> (single-channel indices, the 10,582-image augmented set)
/// or <c>SegmentationClass/&lt;id&gt;.png</c> (palette PNGs). Split files are U2PL's: one id per
/// line (a line of two paths, image then label relative to the root, is accepted too).
/// </summary>
public static class VocDataset
{
    public const string ImageFolder = "JPEGImages";
    public const string AugmentedLabelFolder = "SegmentationClassAug";
    public const string LabelFolder = "SegmentationClass";

    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    };

    /// <param name="root">the VOC2012 folder (holding JPEGImages)</param>
    /// <param name="splitFile">a split list such as data/splits/pascal/1464/labeled.txt</param>
    /// <param name="labelFolder">SegmentationClassAug or SegmentationClass; by default the first that exists</param>
    public static SegmentationDataset Open(string root, string splitFile, DatasetOptions? options = null, string? labelFolder = null)
    {
        if (!Directory.Exists(Path.Combine(root, ImageFolder)))
            throw new DatasetException(root, $"not a PASCAL VOC root: it has no {ImageFolder} folder");
        labelFolder ??= Directory.Exists(Path.Combine(root, AugmentedLabelFolder)) ? AugmentedLabelFolder : LabelFolder;
        var candidates = new List<SegmentationDataset.Candidate>();
        foreach (var (line, entry) in SplitFile.ReadWithLines(splitFile))
        {
            var origin = $"{splitFile} line {line}";
            var parts = entry.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var files = parts.Length switch
            {
                1 => new SampleFiles(entry, Path.Combine(root, ImageFolder, entry + ".jpg"), Path.Combine(root, labelFolder, entry + ".png")),
                2 => new SampleFiles(Path.GetFileNameWithoutExtension(parts[0]), Path.Combine(root, parts[0].TrimStart('/')), Path.Combine(root, parts[1].TrimStart('/'))),
                _ => throw new DatasetException(splitFile, $"line {line} '{entry}' is neither an image id nor an image and label path"),
            };
            candidates.Add(new SegmentationDataset.Candidate(files, origin));
        }
        return SegmentationDataset.Create("pascal_voc", root, ClassNames, paletteLabels: true, candidates, options ?? DatasetOptions.Default);
    }
}
