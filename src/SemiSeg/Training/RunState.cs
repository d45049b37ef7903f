using System.Text.Json;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// The run folder's state after each epoch: ckpt.pth, ckpt_best.pth, metrics.jsonl, summary.json.
/// ckpt.pth is the commit point. It is written first (atomically, by rename) and holds the
/// epoch's metrics line and summary; ckpt_best.pth, metrics.jsonl and summary.json follow it, each
/// written atomically and each derivable from it. A kill before the rename leaves the previous
/// epoch everywhere; a kill after it leaves followers one epoch behind, which <see cref="Repair"/>
/// completes before a resumed run takes its first step. So no epoch is lost or mixed. See docs/run-folder.md.
/// </summary>
public sealed class RunState
{
    private readonly string directory;

    public RunState(string directory) => this.directory = Path.GetFullPath(directory);

    public string LastCheckpoint => Path.Combine(directory, Checkpoint.Last);
    public string BestCheckpoint => Path.Combine(directory, Checkpoint.Best);
    public string MetricsPath => Path.Combine(directory, "metrics.jsonl");
    public string SummaryPath => Path.Combine(directory, "summary.json");

    /// <summary>True when the folder holds a run's checkpoint or metrics (a plain train must not write over it).</summary>
    public bool HoldsARun => File.Exists(LastCheckpoint) || File.Exists(MetricsPath);

    /// <summary>Commits one epoch: <paramref name="writeCheckpoint"/> writes the checkpoint (with the outcome in it) to the path it is given.</summary>
    public void Advance(Action<string> writeCheckpoint, EpochOutcome outcome)
    {
        AtomicFile.Write(LastCheckpoint, writeCheckpoint);
        Follow(outcome, copyBest: outcome.IsBest);
    }

    /// <summary>
    /// Brings ckpt_best.pth, metrics.jsonl and summary.json in line with ckpt.pth (whose small keys
    /// are in <paramref name="checkpoint"/>); returns what it changed, for the log. A checkpoint
    /// written before the outcome was stored only has the later metrics lines dropped.
    /// </summary>
    public IReadOnlyList<string> Repair(TorchDict checkpoint)
    {
        var epochsDone = (int)checkpoint.GetInt("epoch");
        if (!checkpoint.ContainsKey(EpochOutcome.RecordKey))
        {
            var kept = RunRecords.ReadMetrics(MetricsPath).Where(r => r.Epoch < epochsDone).ToList();
            return WriteIfChanged(MetricsPath, RunRecords.MetricsText(kept)) ? new[] { MetricsPath } : Array.Empty<string>();
        }
        var record = JsonSerializer.Deserialize<EvaluationRecord>(checkpoint.GetString(EpochOutcome.RecordKey))
                     ?? throw new InvalidDataException($"{LastCheckpoint}: empty {EpochOutcome.RecordKey}");
        var bestIsLast = checkpoint.GetInt("best_epoch") == epochsDone - 1;
        return Follow(new EpochOutcome(record, checkpoint.GetString(EpochOutcome.SummaryKey), bestIsLast),
                      copyBest: bestIsLast && !SameBytes(LastCheckpoint, BestCheckpoint));
    }

    private List<string> Follow(EpochOutcome outcome, bool copyBest)
    {
        var changed = new List<string>();
        if (copyBest)
        {
            AtomicFile.Copy(LastCheckpoint, BestCheckpoint);
            changed.Add(BestCheckpoint);
        }
        var records = RunRecords.ReadMetrics(MetricsPath).Where(r => r.Epoch < outcome.Record.Epoch).Append(outcome.Record);
        if (WriteIfChanged(MetricsPath, RunRecords.MetricsText(records))) changed.Add(MetricsPath);
        if (WriteIfChanged(SummaryPath, outcome.SummaryText)) changed.Add(SummaryPath);
        return changed;
    }

    // metrics.jsonl is rewritten whole rather than appended: an append cut short by a full disk
    // would leave half a line, a rewrite by rename leaves the old file.
    private static bool WriteIfChanged(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text) return false;
        AtomicFile.WriteAllText(path, text);
        return true;
    }

    private static bool SameBytes(string a, string b)
    {
        if (!File.Exists(b)) return false;
        using var x = File.OpenRead(a);
        using var y = File.OpenRead(b);
        if (x.Length != y.Length) return false;
        var bufferA = new byte[1 << 16];
        var bufferB = new byte[1 << 16];
        int read;
        while ((read = x.Read(bufferA)) > 0)
        {
            y.ReadExactly(bufferB, 0, read);
            if (!bufferA.AsSpan(0, read).SequenceEqual(bufferB.AsSpan(0, read))) return false;
        }
        return true;
    }
}
