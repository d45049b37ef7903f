using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SemiSeg.Training;

namespace SemiSeg.Reporting;

/// <summary>
/// Markdown tables of finished runs: runs whose folder names differ only in a trailing seed
/// ("u2pl-1of8-s0", "u2pl-1of8-s1") are one setting, reported as mean and standard deviation of the
/// best mIoU over seeds, with the number of seeds and the mean wall time. Settings named
/// METHOD-SPLIT (split "1ofN" or "full", as bench/reproduce names them) also make a grid shaped like
/// the paper's Table 1; the other settings (ablations) are listed against a reference run. Runs
/// that have not finished are left out.
/// </summary>
public static partial class ResultsTable
{
    public sealed record Row(string Setting, string Method, int Labeled, int Unlabeled, int Seeds, double MeanMiou, double StdMiou,
                             double MeanFinalMiou, double MeanMinutes);

    public static IReadOnlyList<Row> Rows(IEnumerable<string> runDirectories)
    {
        var runs = runDirectories
            .Select(d => d.TrimEnd('/', Path.DirectorySeparatorChar))
            .Where(IsFinished)
            .Select(d => (Setting: SeedSuffix().Replace(Path.GetFileName(d), ""), Summary: RunRecords.ReadSummary(Path.Combine(d, "summary.json"))));
        return runs.GroupBy(r => r.Setting).Select(g =>
        {
            var best = g.Select(r => r.Summary.BestMeanIoU * 100).ToArray();
            var first = g.First().Summary;
            return new Row(g.Key, first.Method, first.Labeled, first.Unlabeled, best.Length, best.Average(), StandardDeviation(best),
                           g.Average(r => r.Summary.FinalMeanIoU * 100), g.Average(r => r.Summary.TrainSeconds / 60));
        }).OrderBy(r => r.Setting, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A run is finished when its metrics hold the last epoch its summary names; summary.json is
    /// rewritten after every epoch, so a run still training (or killed) has one too and is left out.
    /// </summary>
    public static bool IsFinished(string runDirectory)
    {
        var summaryPath = Path.Combine(runDirectory, "summary.json");
        var metricsPath = Path.Combine(runDirectory, "metrics.jsonl");
        if (!File.Exists(summaryPath) || !File.Exists(metricsPath)) return false;
        var epochs = RunRecords.ReadSummary(summaryPath).Epochs;
        return RunRecords.ReadMetrics(metricsPath).Any(r => r.Epoch == epochs - 1);
    }

    /// <summary>Sample standard deviation (n - 1); 0 for a single run.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Every setting, one line each.</summary>
    public static string Markdown(IReadOnlyList<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| setting | method | labelled | unlabelled | seeds | best mIoU % (mean ± std) | final mIoU % | minutes per run |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            text.AppendLine(Invariant($"| {r.Setting} | {r.Method} | {r.Labeled} | {r.Unlabeled} | {r.Seeds} | {Cell(r)} | {r.MeanFinalMiou:F2} | {r.MeanMinutes:F1} |"));
        return text.ToString();
    }

    /// <summary>The paper's Table 1 shape: methods down, labelled fractions across (fewest first), best mIoU
    /// (mean ± std over seeds, seed count in brackets when more than one), then each method's gain over
    /// SupOnly at the same split. Empty when no setting is named METHOD-SPLIT.</summary>
    public static string Grid(IReadOnlyList<Row> rows)
    {
        var cells = GridCells(rows);
        if (cells.Count == 0) return "";
        var splits = cells.Keys.Select(k => k.Split).Distinct().OrderByDescending(SplitDenominator).ToList();
        var methods = GridMethods(cells);
        var text = new StringBuilder();
        text.AppendLine("| method | " + string.Join(" | ", splits.Select(s => SplitTitle(s, cells.First(c => c.Key.Split == s).Value.Labeled))) + " |");
        text.AppendLine("|---|" + string.Concat(splits.Select(_ => "---|")));
        foreach (var m in methods)
            text.AppendLine($"| {m} | " + string.Join(" | ", splits.Select(s => cells.TryGetValue((m, s), out var r) ? Cell(r) + SeedNote(r) : "-")) + " |");
        foreach (var m in methods.Where(m => m != "suponly"))
        {
            var gains = splits.Select(s => cells.TryGetValue((m, s), out var r) && cells.TryGetValue(("suponly", s), out var b)
                                               ? Invariant($"{r.MeanMiou - b.MeanMiou:+0.00;-0.00;0.00}") : "-");
            if (gains.All(g => g == "-")) continue;
            text.AppendLine($"| {m} − suponly | " + string.Join(" | ", gains) + " |");
        }
        return text.ToString();
    }

    /// <summary>The settings named METHOD-SPLIT, by method and split ("1of8", "full").</summary>
    public static IReadOnlyDictionary<(string Method, string Split), Row> GridCells(IReadOnlyList<Row> rows) =>
        rows.Select(r => (Row: r, Match: MethodAndSplit().Match(r.Setting))).Where(p => p.Match.Success)
            .ToDictionary(p => (p.Match.Groups[1].Value, p.Match.Groups[2].Value), p => p.Row);

    /// <summary>The grid's methods in the paper's order (SupOnly first, U2PL last), unknown ones after.</summary>
    public static IReadOnlyList<string> GridMethods(IReadOnlyDictionary<(string Method, string Split), Row> cells) =>
        cells.Keys.Select(k => k.Method).Distinct().OrderBy(MethodOrder).ThenBy(m => m, StringComparer.Ordinal).ToList();

    /// <summary>Settings not named METHOD-SPLIT (the ablations), each against the reference setting's
    /// best mIoU. Empty when there are none.</summary>
    public static string Others(IReadOnlyList<Row> rows, string? reference)
    {
        var others = rows.Where(r => !MethodAndSplit().IsMatch(r.Setting)).ToList();
        if (others.Count == 0) return "";
        var referenceRow = reference is null ? null : rows.FirstOrDefault(r => r.Setting == SeedSuffix().Replace(reference, ""));
        var text = new StringBuilder();
        var against = referenceRow is null ? "" : $" | Δ vs {referenceRow.Setting} ({Cell(referenceRow)})";
        text.AppendLine($"| setting | best mIoU %{against} | minutes |");
        text.AppendLine(referenceRow is null ? "|---|---|---|" : "|---|---|---|---|");
        foreach (var r in others)
        {
            var delta = referenceRow is null ? "" : Invariant($" | {r.MeanMiou - referenceRow.MeanMiou:+0.00;-0.00;0.00}");
            text.AppendLine(Invariant($"| {r.Setting} | {Cell(r)}{SeedNote(r)}{delta} | {r.MeanMinutes:F1} |"));
        }
        return text.ToString();
    }

    private static string Cell(Row r) => Invariant($"{r.MeanMiou:F2}{(r.Seeds > 1 ? $" ± {r.StdMiou:F2}" : "")}");
    private static string SeedNote(Row r) => r.Seeds > 1 ? $" ({r.Seeds} seeds)" : "";

    private static int MethodOrder(string method) => Array.IndexOf(KnownMethods, method) is var i && i >= 0 ? i : KnownMethods.Length;
    private static readonly string[] KnownMethods = { "suponly", "mt", "cutmix", "imas", "u2pl", "u2pl_ael" };

    private static int SplitDenominator(string split) => split == "full" ? 1 : int.Parse(split[3..], CultureInfo.InvariantCulture);
    private static string SplitTitle(string split, int labeled) => split == "full" ? $"full ({labeled})" : $"1/{split[3..]} ({labeled})";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"-s\d+$")]
    private static partial Regex SeedSuffix();

    [GeneratedRegex(@"^([a-z0-9_]+)-(1of\d+|full)$")]
    private static partial Regex MethodAndSplit();
}
