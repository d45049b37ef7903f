using System.Text.Json;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// Whether a run folder's ckpt.pth, ckpt_best.pth, metrics.jsonl and summary.json agree (see
/// <see cref="RunState"/>). Followers one epoch behind the committed checkpoint are the state a
/// kill between the commit and its followers leaves; they are <see cref="Report.Pending"/>, which
/// the next start completes. Anything else is a <see cref="Report.Problems"/> entry.
/// </summary>
public static class RunFolderCheck
{
    public sealed record Report(int EpochsDone, IReadOnlyList<string> Pending, IReadOnlyList<string> Problems);

    /// <summary>The disagreements a resume cannot explain (empty when the folder is consistent or only pending).</summary>
    public static IReadOnlyList<string> Problems(string directory) => Inspect(directory).Problems;

    public static Report Inspect(string directory)
    {
        var state = new RunState(directory);
        var pending = new List<string>();
        var problems = new List<string>();
        if (!File.Exists(state.LastCheckpoint))
        {
            foreach (var file in new[] { state.BestCheckpoint, state.MetricsPath, state.SummaryPath }.Where(File.Exists))
                problems.Add($"{Path.GetFileName(file)} exists without {Checkpoint.Last}");
            return new Report(0, pending, problems);
        }
        var (epochs, bestEpoch, bestMiou, stored) = ReadCommit(state.LastCheckpoint);
        var metrics = RunRecords.ReadMetrics(state.MetricsPath).ToList();
        var last = stored ?? (epochs > 0 && metrics.Count == epochs ? metrics[^1] : null);

        if (metrics.Select(m => m.Epoch).SequenceEqual(Enumerable.Range(0, epochs)))
        {
            // A checkpoint a signal saved during the first epoch commits no epoch: nothing to compare.
            if (epochs > 0 && last is not null && !Same(metrics[^1].MeanIoU, last.MeanIoU))
                problems.Add($"metrics.jsonl's epoch {epochs - 1} has mIoU {metrics[^1].MeanIoU}, {Checkpoint.Last} {last.MeanIoU}");
        }
        else if (metrics.Select(m => m.Epoch).SequenceEqual(Enumerable.Range(0, epochs - 1)))
            pending.Add($"metrics.jsonl lacks epoch {epochs - 1}");
        else
            problems.Add($"metrics.jsonl holds epochs [{string.Join(", ", metrics.Select(m => m.Epoch))}], {Checkpoint.Last} {epochs}");
        if (last is null) return new Report(epochs, pending, problems);

        var history = metrics.Where(m => m.Epoch < epochs - 1).Append(last).ToList();
        var (derivedEpoch, derivedMiou) = Best(history);
        if (derivedEpoch != bestEpoch || !Same(derivedMiou, bestMiou))
            problems.Add($"{Checkpoint.Last} names best epoch {bestEpoch} ({bestMiou}), the metrics {derivedEpoch} ({derivedMiou})");
        CheckSummary(state.SummaryPath, history, pending, problems);
        CheckBest(state.BestCheckpoint, epochs, bestEpoch, bestMiou, pending, problems);
        return new Report(epochs, pending, problems);
    }

    private static void CheckSummary(string path, List<EvaluationRecord> history, List<string> pending, List<string> problems)
    {
        if (!File.Exists(path))
        {
            if (history.Count == 1) pending.Add("summary.json is not written yet");
            else problems.Add("summary.json is missing");
            return;
        }
        var summary = RunRecords.ReadSummary(path);
        if (Describes(summary, history)) return;
        if (history.Count > 1 && Describes(summary, history[..^1])) pending.Add($"summary.json describes epoch {history.Count - 2}");
        else problems.Add($"summary.json (best epoch {summary.BestEpoch}, final {summary.FinalMeanIoU}) fits no committed epoch");
    }

    private static bool Describes(RunSummary summary, List<EvaluationRecord> history)
    {
        var (bestEpoch, bestMiou) = Best(history);
        return summary.BestEpoch == bestEpoch && Same(summary.BestMeanIoU, double.IsFinite(bestMiou) ? bestMiou : double.NaN)
               && Same(summary.FinalMeanIoU, history[^1].MeanIoU);
    }

    private static void CheckBest(string path, int epochs, int bestEpoch, double bestMiou, List<string> pending, List<string> problems)
    {
        if (bestEpoch < 0) return;
        var (savedEpochs, _, savedBest, _) = File.Exists(path) ? ReadCommit(path) : (-1, -1, double.NaN, null);
        if (savedEpochs == bestEpoch + 1 && Same(savedBest, bestMiou)) return;
        if (bestEpoch == epochs - 1 && savedEpochs < epochs) pending.Add($"{Checkpoint.Best} is not yet the checkpoint of epoch {bestEpoch}");
        else problems.Add($"{Checkpoint.Best} is from after epoch {savedEpochs - 1}, but the best epoch is {bestEpoch}");
    }

    /// <summary>The trainer's rule: the first epoch with the highest evaluated mIoU.</summary>
    private static (int Epoch, double MeanIoU) Best(IEnumerable<EvaluationRecord> history)
    {
        var best = (Epoch: -1, MeanIoU: double.NegativeInfinity);
        foreach (var record in history)
            if (!double.IsNaN(record.MeanIoU) && record.MeanIoU > best.MeanIoU) best = (record.Epoch, record.MeanIoU);
        return best;
    }

    private static (int Epochs, int BestEpoch, double BestMiou, EvaluationRecord? Record) ReadCommit(string path)
    {
        using var checkpoint = TorchFile.LoadDict(path);
        var record = checkpoint.ContainsKey(EpochOutcome.RecordKey)
            ? JsonSerializer.Deserialize<EvaluationRecord>(checkpoint.GetString(EpochOutcome.RecordKey)) : null;
        return ((int)checkpoint.GetInt("epoch"), (int)checkpoint.GetInt("best_epoch"), checkpoint.GetDouble("best_miou"), record);
    }

    private static bool Same(double a, double b) => a.Equals(b) || Math.Abs(a - b) < 1e-12;
}
