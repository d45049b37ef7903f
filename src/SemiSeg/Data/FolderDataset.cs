namespace SemiSeg.Data;

/// <summary>
/// A user's own data: <c>images/&lt;stem&gt;.(png|jpg|jpeg|bmp)</c> with <c>masks/&lt;stem&gt;.png</c>
/// (single-channel class indices, 255 = ignore) and a class-names file (one name per line, index 0
/// first; <c>classes.txt</c> by default). A split file lists stems; without one every image is used.
/// </summary>
public static class FolderDataset
{
    public const string ImageFolder = "images";
    public const string MaskFolder = "masks";
    public const string ClassNamesFile = "classes.txt";
    private static readonly string[] ImageExtensions = { ".png", ".jpg", ".jpeg", ".bmp" };

    public static IReadOnlyList<string> ReadClassNames(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, "class-names file does not exist");
        var names = File.ReadAllLines(path).Select(l => l.Trim().TrimStart('\uFEFF')).Where(l => l.Length > 0).ToList();
        if (names.Count == 0) throw new DatasetException(path, "class-names file lists no classes");
        if (names.Count > LabelImage.IgnoreIndex) throw new DatasetException(path, $"{names.Count} classes; 8-bit masks hold at most {LabelImage.IgnoreIndex}");
        return names;
    }

    public static SegmentationDataset Open(string root, string? splitFile = null, DatasetOptions? options = null, string? classNamesPath = null)
    {
        var imageDir = Path.Combine(root, ImageFolder);
        if (!Directory.Exists(imageDir)) throw new DatasetException(root, $"not a folder dataset: it has no {ImageFolder} folder");
        var classNames = ReadClassNames(classNamesPath ?? Path.Combine(root, ClassNamesFile));
        IEnumerable<(int Line, string Stem)> stems = splitFile is null
            ? Directory.EnumerateFiles(imageDir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                       .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).Select(s => (0, s!))
            : SplitFile.ReadWithLines(splitFile);
        var candidates = new List<SegmentationDataset.Candidate>();
        foreach (var (line, stem) in stems)
        {
            var image = ImageExtensions.Select(e => Path.Combine(imageDir, stem + e)).FirstOrDefault(File.Exists)
                        ?? Path.Combine(imageDir, stem + ImageExtensions[0]);
            var origin = splitFile is null ? $"the {ImageFolder} folder" : $"{splitFile} line {line}";
            candidates.Add(new SegmentationDataset.Candidate(new SampleFiles(stem, image, Path.Combine(root, MaskFolder, stem + ".png")), origin));
        }
        if (candidates.Count == 0) throw new DatasetException(imageDir, "no images (.png, .jpg, .jpeg, .bmp)");
        return SegmentationDataset.Create(Path.GetFileName(Path.TrimEndingDirectorySeparator(root)), root, classNames, paletteLabels: true,
                                          candidates, options ?? DatasetOptions.Default);
    }
}
