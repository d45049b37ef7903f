using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// A list of image/label files with class names, opened from one of the layouts
/// (<see cref="VocDataset"/>, <see cref="CityscapesDataset"/>, <see cref="FolderDataset"/>).
/// Reading is thread-safe, so loader workers share one instance. Every fault in the data raises a
/// <see cref="DatasetException"/> naming the file: at open as far as the scan goes, else at read.
/// </summary>
public sealed class SegmentationDataset
{
    public const byte IgnoreIndex = LabelImage.IgnoreIndex;

    private readonly bool paletteLabels;

    public string Name { get; }
    public string Root { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int NumClasses => ClassNames.Count;
    public IReadOnlyList<SampleFiles> Samples { get; }
    /// <summary>Samples dropped by the open scan (only with <see cref="DatasetOptions.SkipBadSamples"/>), with the reason.</summary>
    public IReadOnlyList<string> Skipped { get; }
    public int Count => Samples.Count;

    private SegmentationDataset(string name, string root, IReadOnlyList<string> classNames, bool paletteLabels,
                                IReadOnlyList<SampleFiles> samples, IReadOnlyList<string> skipped)
    {
        Name = name; Root = root; ClassNames = classNames; this.paletteLabels = paletteLabels;
        Samples = samples; Skipped = skipped;
    }

    /// <summary>A split line resolved to files; <paramref name="Origin"/> ("split.txt line 3") is named in errors.</summary>
    internal sealed record Candidate(SampleFiles Files, string Origin);

    internal static SegmentationDataset Create(string name, string root, IReadOnlyList<string> classNames, bool paletteLabels,
                                               IReadOnlyList<Candidate> candidates, DatasetOptions options)
    {
        if (classNames.Count < 1 || classNames.Count > IgnoreIndex)
            throw new ArgumentException($"{name}: {classNames.Count} classes; labels are 8-bit so 1 to {IgnoreIndex} classes are supported");
        var probe = new SegmentationDataset(name, root, classNames, paletteLabels, Array.Empty<SampleFiles>(), Array.Empty<string>());
        var faults = new DatasetException?[candidates.Count];
        var files = new SampleFiles[candidates.Count];
        Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Scan == DatasetScan.Full ? -1 : 1 }, i =>
        {
            try { files[i] = probe.Check(candidates[i], options); }
            catch (DatasetException e) { faults[i] = e; }
        });
        var kept = new List<SampleFiles>();
        var skipped = new List<string>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (faults[i] is null) { kept.Add(files[i]); continue; }
            if (!options.SkipBadSamples) throw faults[i]!;
            skipped.Add(faults[i]!.Message);
        }
        if (kept.Count == 0) throw new DatasetException(root, $"{name}: no usable samples ({skipped.Count} skipped)");
        return new SegmentationDataset(name, root, classNames, paletteLabels, kept, skipped);
    }

    private SampleFiles Check(Candidate candidate, DatasetOptions options)
    {
        var files = candidate.Files;
        if (!File.Exists(files.ImagePath)) throw new DatasetException(files.ImagePath, $"image file does not exist (named by {candidate.Origin})");
        if (files.LabelPath is not null && !File.Exists(files.LabelPath))
        {
            if (options.LabelsRequired) throw new DatasetException(files.LabelPath, $"label file does not exist (named by {candidate.Origin})");
            files = files with { LabelPath = null };
        }
        if (options.Scan == DatasetScan.Headers) CheckHeaders(files);
        if (options.Scan == DatasetScan.Full) Read(files);
        return files;
    }

    private static void CheckHeaders(SampleFiles files)
    {
        ImageHeader.CheckComplete(files.ImagePath);
        if (files.LabelPath is null) return;
        ImageHeader.CheckComplete(files.LabelPath);
        var imageSize = ImageHeader.ReadSize(files.ImagePath);
        var labelSize = ImageHeader.ReadSize(files.LabelPath);
        if (imageSize is { } a && labelSize is { } b && a != b)
            throw SizeMismatch(files, a.Height, a.Width, b.Height, b.Width);
    }

    private static DatasetException SizeMismatch(SampleFiles files, int ih, int iw, int lh, int lw) =>
        new(files.LabelPath!, $"label is {lh}x{lw} (HxW) but its image {files.ImagePath} is {ih}x{iw}");

    /// <summary>Decodes sample <paramref name="index"/>; a missing label reads as all-ignore.</summary>
    public SegmentationSample Read(int index) => Read(Samples[index]);

    private SegmentationSample Read(SampleFiles files)
    {
        var image = ReadImage(files.ImagePath);
        if (files.LabelPath is null) return new SegmentationSample(files.Id, image, ByteImage.Filled(image.Height, image.Width, IgnoreIndex));
        var label = LabelImage.Read(files.LabelPath, paletteLabels);
        if (!label.SameSize(image)) throw SizeMismatch(files, image.Height, image.Width, label.Height, label.Width);
        LabelImage.CheckValues(files.LabelPath, label, NumClasses);
        return new SegmentationSample(files.Id, image, label);
    }

    /// <summary>Decodes only the image of sample <paramref name="index"/> (for unlabelled streams).</summary>
    public ByteImage ReadImage(int index) => ReadImage(Samples[index].ImagePath);

    private static ByteImage ReadImage(string path)
    {
        ImageHeader.CheckComplete(path);
        try { return ImageFile.Read(path, ImageReadMode.Color); }
        catch (TorchException e) { throw new DatasetException(path, $"unreadable or truncated image ({e.Message.Replace(path + ": ", "")})", e); }
    }

    public override string ToString() => $"{Name}: {Count} samples, {NumClasses} classes ({Root})";
}
