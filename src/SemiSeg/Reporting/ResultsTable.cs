using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SemiSeg.Training;

namespace SemiSeg.Reporting;

/// <summary>
/// Markdown tables of finished runs: runs whose folder names differ only in a trailing seed
/// ("u2pl-1of8-s0", "u2pl-1of8-s1") are one setting, reported as mean and standard deviation of the
/// best mIoU over seeds, with the number of seeds and the mean wall time.
/// </summary>
public static partial class ResultsTable
{
    public sealed record Row(string Setting, string Method, int Labeled, int Unlabeled, int Seeds, double MeanMiou, double StdMiou,
                             double MeanFinalMiou, double MeanMinutes);

    public static IReadOnlyList<Row> Rows(IEnumerable<string> runDirectories)
    {
        var runs = runDirectories
            .Select(d => d.TrimEnd('/', Path.DirectorySeparatorChar))
            .Where(d => File.Exists(Path.Combine(d, "summary.json")))
            .Select(d => (Setting: SeedSuffix().Replace(Path.GetFileName(d), ""), Summary: RunRecords.ReadSummary(Path.Combine(d, "summary.json"))));
        return runs.GroupBy(r => r.Setting).Select(g =>
        {
            var best = g.Select(r => r.Summary.BestMeanIoU * 100).ToArray();
            var first = g.First().Summary;
            return new Row(g.Key, first.Method, first.Labeled, first.Unlabeled, best.Length, best.Average(), StandardDeviation(best),
                           g.Average(r => r.Summary.FinalMeanIoU * 100), g.Average(r => r.Summary.TrainSeconds / 60));
        }).OrderBy(r => r.Setting, StringComparer.Ordinal).ToList();
    }

    /// <summary>Sample standard deviation (n - 1); 0 for a single run.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    public static string Markdown(IReadOnlyList<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| setting | method | labelled | unlabelled | seeds | best mIoU % (mean ± std) | final mIoU % | minutes per run |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Setting} | {r.Method} | {r.Labeled} | {r.Unlabeled} | {r.Seeds} | {r.MeanMiou:F2}{(r.Seeds > 1 ? $" ± {r.StdMiou:F2}" : "")} | {r.MeanFinalMiou:F2} | {r.MeanMinutes:F1} |"));
        return text.ToString();
    }

    [GeneratedRegex(@"-s\d+$")]
    private static partial Regex SeedSuffix();
}
