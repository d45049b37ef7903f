namespace SemiSeg.Data;

/// <summary>
/// Cityscapes in its released layout. Split lines are image paths
/// <c>leftImg8bit/&lt;split&gt;/&lt;city&gt;/&lt;name&gt;_leftImg8bit.png</c>; each label is
/// <c>gtFine/&lt;split&gt;/&lt;city&gt;/&lt;name&gt;_gtFine_labelTrainIds.png</c> (19 classes, 255 ignore),
/// made from the raw <c>_labelIds.png</c> by <see cref="CityscapesLabelIds"/>.
/// </summary>
public static class CityscapesDataset
{
    private const string ImagePrefix = "leftImg8bit/";
    private const string ImageSuffix = "_leftImg8bit.png";
    public const string TrainIdSuffix = "_gtFine_labelTrainIds.png";

    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "road", "sidewalk", "building", "wall", "fence", "pole", "traffic light", "traffic sign", "vegetation", "terrain",
        "sky", "person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle",
    };

    /// <summary>The label path of a split line, relative to the root (as U2PL's base.py derives it).</summary>
    public static string LabelPathFor(string imageEntry) =>
        "gtFine/" + imageEntry[ImagePrefix.Length..^ImageSuffix.Length] + TrainIdSuffix;

    /// <param name="root">the cityscapes folder (holding leftImg8bit and gtFine)</param>
    public static SegmentationDataset Open(string root, string splitFile, DatasetOptions? options = null)
    {
        var candidates = new List<SegmentationDataset.Candidate>();
        foreach (var (line, entry) in SplitFile.ReadWithLines(splitFile))
        {
            var path = entry.Replace('\\', '/').TrimStart('/');
            if (!path.StartsWith(ImagePrefix, StringComparison.Ordinal) || !path.EndsWith(ImageSuffix, StringComparison.Ordinal)
                || path.Length <= ImagePrefix.Length + ImageSuffix.Length)
                throw new DatasetException(splitFile, $"line {line} '{entry}' is not a Cityscapes image path ({ImagePrefix}<split>/<city>/<name>{ImageSuffix})");
            var name = Path.GetFileName(path)[..^ImageSuffix.Length];
            var files = new SampleFiles(name, Path.Combine(root, path), Path.Combine(root, LabelPathFor(path)));
            candidates.Add(new SegmentationDataset.Candidate(files, $"{splitFile} line {line}"));
        }
        return SegmentationDataset.Create("cityscapes", root, ClassNames, paletteLabels: false, candidates, options ?? DatasetOptions.Default);
    }
}
