using System.Text.Json;
using SemiSeg.Reporting;
using SemiSeg.Training;

namespace SemiSeg.Tests.Reporting;

/// <summary>
/// Tiny finished runs on disk, written the way the trainer writes them: config.yaml,
/// metrics.jsonl (three epochs), summary.json and visuals/ through <see cref="VisualsWriter"/>.
/// Scenes are 6 x 8 pixels with 3 classes.
/// </summary>
internal static class FakeRun
{
    public const int Height = 6, Width = 8, Classes = 3;
    public static readonly string[] ClassNames = { "background", "shirt", "trousers" };
    public static readonly string[] SceneIds = { "s1", "s2" };

    /// <summary>Ground truth: top row ignored, left half shirt (1), right half trousers (2).</summary>
    public static int[] Truth()
    {
        var labels = new int[Height * Width];
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++) labels[y * Width + x] = y == 0 ? LabelPalette.IgnoreIndex : x < Width / 2 ? 1 : 2;
        return labels;
    }

    /// <summary>A prediction: all shirt, background in the last column.</summary>
    public static int[] Prediction()
    {
        var labels = new int[Height * Width];
        for (var i = 0; i < labels.Length; i++) labels[i] = i % Width == Width - 1 ? 0 : 1;
        return labels;
    }

    /// <summary>A picture whose pixel (y, x) is (10 y, 20 x, 200).</summary>
    public static RgbImage Picture()
    {
        var image = new RgbImage(Height, Width);
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++) image[y, x] = new Rgb((byte)(10 * y), (byte)(20 * x), 200);
        return image;
    }

    /// <summary>
    /// Writes a run; losses per epoch are <paramref name="lossTerms"/> with value (term index + 1) / (epoch + 1).
    /// mIoU per epoch is 0.3, 0.4, then <paramref name="final"/>; <paramref name="best"/> goes into the summary.
    /// </summary>
    public static string Write(string directory, string method, double best, double final, string[] lossTerms, bool unlabeledScene)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, RunRecord.ConfigFileName), $"method: {method}\ntrainer:\n  epochs: 3\n");
        var lines = new List<string>();
        var miou = new[] { 0.3, 0.4, final };
        for (var epoch = 0; epoch < 3; epoch++)
        {
            var losses = lossTerms.Select((t, i) => (t, (i + 1.0) / (epoch + 1))).ToDictionary(p => p.t, p => p.Item2);
            var record = new EvaluationRecord(epoch, (epoch + 1) * 10L, miou[epoch], new double?[] { 0.9, miou[epoch], null }, losses,
                                              0.01 * (1 - epoch / 3.0), "teacher", 0.05, 1.5);
            lines.Add(JsonSerializer.Serialize(record));
        }
        File.WriteAllText(Path.Combine(directory, RunRecord.MetricsFileName), string.Join("\n", lines) + "\n");
        var summary = new RunSummary(method, best, 2, final, new double?[] { 0.9, final, null }, ClassNames, 612.5, 183, 1281, 3, 7);
        File.WriteAllText(Path.Combine(directory, RunRecord.SummaryFileName), JsonSerializer.Serialize(summary));

        var writer = new VisualsWriter(directory, Classes);
        foreach (var id in SceneIds) writer.WriteValidationScene(id, Picture(), Truth(), Prediction());
        if (unlabeledScene)
        {
            var (entropy, pseudo, reliable) = UnlabeledMaps();
            writer.WriteUnlabeledScene("u1", Picture(), entropy, pseudo, reliable, 12.5);
        }
        return directory;
    }

    /// <summary>
    /// An unlabelled scene: entropy rising along x from 0 to ln 3; pseudo-label 255 in the first
    /// row (no content), 2 elsewhere; the last column of valid pixels unreliable.
    /// </summary>
    public static (float[] Entropy, int[] Pseudo, bool[] Reliable) UnlabeledMaps()
    {
        var entropy = new float[Height * Width];
        var pseudo = new int[Height * Width];
        var reliable = new bool[Height * Width];
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
            {
                var i = y * Width + x;
                entropy[i] = (float)(Math.Log(Classes) * x / (Width - 1));
                pseudo[i] = y == 0 ? LabelPalette.IgnoreIndex : 2;
                reliable[i] = y != 0 && x != Width - 1;
            }
        return (entropy, pseudo, reliable);
    }
}
