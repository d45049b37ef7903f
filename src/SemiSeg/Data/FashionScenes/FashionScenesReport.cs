using System.Globalization;
using System.Text;

namespace SemiSeg.Data;

/// <summary>What a FashionScenes build made: pixel counts per class (the last entry is the ignore band) and its time.</summary>
public sealed record FashionScenesReport(FashionScenesOptions Options, long[] TrainPixels, long[] ValPixels, double Seconds)
{
    public double ScenesPerSecond => (Options.TrainScenes + Options.ValScenes) / Math.Max(Seconds, 1e-9);

    /// <summary>The parameters and a table of pixel shares per class (deterministic: no timing).</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder(Options.Header).Append("\n\n");
        text.Append("| class | train pixels | val pixels |\n|---|---:|---:|\n");
        double trainTotal = TrainPixels.Sum(), valTotal = ValPixels.Sum();
        for (var c = 0; c < TrainPixels.Length; c++)
        {
            var name = c < FashionScenes.ClassNames.Count ? $"{c} {FashionScenes.ClassNames[c]}" : "255 ignore (border band)";
            text.Append(inv, $"| {name} | {100 * TrainPixels[c] / trainTotal:F2}% | {100 * ValPixels[c] / valTotal:F2}% |\n");
        }
        return text.ToString();
    }
}
