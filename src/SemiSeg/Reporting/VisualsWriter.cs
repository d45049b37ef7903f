using System.Text.Json;
using SemiSeg.Training;

namespace SemiSeg.Reporting;

/// <summary>
/// Writes a run's pictures into RUN_DIR/visuals/ and keeps visuals/visuals.json listing them.
/// It takes managed arrays only (the trainer copies a scene's tensors out once, at the end of a
/// run), so it needs no model:
/// <list type="bullet">
/// <item>a validation scene (Fig. 4 of the paper): val_ID_image.png, val_ID_truth.png, val_ID_prediction.png;</item>
/// <item>U2PL's view of an unlabelled scene (Fig. 2): unlabeled_ID_image.png, _entropy.png (teacher
/// entropy, viridis from 0 to ln C), _partition.png (reliable / unreliable at alpha_t) and _pseudo.png
/// (the pseudo-label, with the pixels the unsupervised loss ignores hatched).</item>
/// </list>
/// Label maps are H*W row-major ints with <see cref="LabelPalette.IgnoreIndex"/> for "no label".
/// The manifest is rewritten after every scene, so it always lists what is on disk.
/// </summary>
public sealed class VisualsWriter
{
    public const string FolderName = "visuals";
    public const string ManifestFileName = "visuals.json";

    /// <summary>Partition colours: reliable pixels (used by the unsupervised loss) and unreliable ones (negatives).</summary>
    public static readonly Rgb ReliableColor = new(33, 102, 172);
    public static readonly Rgb UnreliableColor = new(253, 174, 97);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly List<ValidationSceneVisual> validation = new();
    private readonly List<UnlabeledSceneVisual> unlabeled = new();

    public VisualsWriter(string runDirectory, int classCount)
    {
        if (classCount < 1 || classCount > LabelPalette.IgnoreIndex)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"class count must be in 1..{LabelPalette.IgnoreIndex}");
        ClassCount = classCount;
        Directory = Path.Combine(runDirectory, FolderName);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>RUN_DIR/visuals.</summary>
    public string Directory { get; }
    public int ClassCount { get; }

    /// <summary>Entropy of a uniform prediction over the classes: the top of the heat map scale.</summary>
    public double EntropyMax => Math.Log(Math.Max(2, ClassCount));

    /// <summary>One validation scene: the picture, its ground truth and the run's prediction (both H*W).</summary>
    public void WriteValidationScene(string id, RgbImage image, ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction)
    {
        CheckLabels(id, "truth", truth, image);
        CheckLabels(id, "prediction", prediction, image);
        var stem = "val_" + FileSafe(id);
        var entry = new ValidationSceneVisual(id, stem + "_image.png", stem + "_truth.png", stem + "_prediction.png");
        PngFile.Write(Path.Combine(Directory, entry.Image), image);
        PngFile.Write(Path.Combine(Directory, entry.Truth), LabelPalette.Colorize(truth, image.Height, image.Width));
        PngFile.Write(Path.Combine(Directory, entry.Prediction), LabelPalette.Colorize(prediction, image.Height, image.Width));
        validation.RemoveAll(v => v.Id == id);
        validation.Add(entry);
        SaveManifest();
    }

    /// <summary>
    /// U2PL's view of one unlabelled scene: the teacher's per-pixel <paramref name="entropy"/>, its
    /// pseudo-label (ignore where the scene has no content), and <paramref name="reliable"/>, the
    /// pixels kept for the unsupervised loss at the current <paramref name="alphaTPercent"/>
    /// (EntropyPartition.ReliableMask); the other valid pixels are the unreliable ones.
    /// </summary>
    public void WriteUnlabeledScene(string id, RgbImage image, ReadOnlySpan<float> entropy, ReadOnlySpan<int> pseudoLabel,
                                    ReadOnlySpan<bool> reliable, double alphaTPercent)
    {
        CheckLabels(id, "pseudo-label", pseudoLabel, image);
        LabelPalette.CheckLength(entropy.Length, image.Height, image.Width, $"entropy of scene '{id}'");
        LabelPalette.CheckLength(reliable.Length, image.Height, image.Width, $"reliable mask of scene '{id}'");
        if (!(alphaTPercent >= 0 && alphaTPercent <= 100))
            throw new ArgumentOutOfRangeException(nameof(alphaTPercent), alphaTPercent, "alpha_t is a percent in [0, 100]");
        var stem = "unlabeled_" + FileSafe(id);
        int valid = 0, unreliableCount = 0;
        for (var i = 0; i < pseudoLabel.Length; i++)
        {
            if (pseudoLabel[i] == LabelPalette.IgnoreIndex) continue;
            valid++;
            if (!reliable[i]) unreliableCount++;
        }
        var entry = new UnlabeledSceneVisual(id, stem + "_image.png", stem + "_entropy.png", stem + "_partition.png", stem + "_pseudo.png",
                                             alphaTPercent, valid == 0 ? 0 : 100.0 * unreliableCount / valid);
        PngFile.Write(Path.Combine(Directory, entry.Image), image);
        PngFile.Write(Path.Combine(Directory, entry.Entropy), HeatMap.Render(entropy, image.Height, image.Width, 0, EntropyMax));
        PngFile.Write(Path.Combine(Directory, entry.Partition), PartitionImage(pseudoLabel, reliable, image.Height, image.Width));
        PngFile.Write(Path.Combine(Directory, entry.Pseudo), PseudoLabelImage(pseudoLabel, reliable, image.Height, image.Width));
        unlabeled.RemoveAll(v => v.Id == id);
        unlabeled.Add(entry);
        SaveManifest();
    }

    /// <summary>Reliable pixels in <see cref="ReliableColor"/>, unreliable in <see cref="UnreliableColor"/>, ignored ones hatched.</summary>
    public static RgbImage PartitionImage(ReadOnlySpan<int> pseudoLabel, ReadOnlySpan<bool> reliable, int height, int width)
    {
        LabelPalette.CheckLength(pseudoLabel.Length, height, width, "pseudo-label");
        LabelPalette.CheckLength(reliable.Length, height, width, "reliable mask");
        var image = new RgbImage(height, width);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                image[y, x] = pseudoLabel[i] == LabelPalette.IgnoreIndex ? LabelPalette.IgnoreAt(x, y)
                    : reliable[i] ? ReliableColor : UnreliableColor;
            }
        return image;
    }

    /// <summary>The pseudo-label in palette colours where it is used; pixels the loss ignores are hatched.</summary>
    public static RgbImage PseudoLabelImage(ReadOnlySpan<int> pseudoLabel, ReadOnlySpan<bool> reliable, int height, int width)
    {
        LabelPalette.CheckLength(reliable.Length, height, width, "reliable mask");
        var used = new int[pseudoLabel.Length];
        for (var i = 0; i < used.Length; i++) used[i] = reliable[i] ? pseudoLabel[i] : LabelPalette.IgnoreIndex;
        return LabelPalette.Colorize(used, height, width);
    }

    private void CheckLabels(string id, string what, ReadOnlySpan<int> labels, RgbImage image)
    {
        LabelPalette.CheckLength(labels.Length, image.Height, image.Width, $"{what} of scene '{id}'");
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] != LabelPalette.IgnoreIndex && (uint)labels[i] >= (uint)ClassCount)
                throw new ArgumentException(
                    $"{what} of scene '{id}' has label {labels[i]} at pixel ({i / image.Width}, {i % image.Width}); classes are 0..{ClassCount - 1} or {LabelPalette.IgnoreIndex}");
    }

    private void SaveManifest()
    {
        var manifest = new VisualsManifest(ClassCount, EntropyMax, validation.ToList(), unlabeled.ToList());
        AtomicFile.WriteAllText(Path.Combine(Directory, ManifestFileName), JsonSerializer.Serialize(manifest, Json));
    }

    /// <summary>A scene id as a file-name part: letters, digits, '-', '_' and '.' kept, anything else '_'.</summary>
    public static string FileSafe(string id)
    {
        if (string.IsNullOrEmpty(id)) throw new ArgumentException("a scene id must not be empty");
        return new string(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
    }
}
