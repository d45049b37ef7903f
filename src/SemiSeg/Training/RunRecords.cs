using System.Text.Json;

namespace SemiSeg.Training;

/// <summary>Reading and writing the run folder's metrics.jsonl and summary.json.</summary>
public static class RunRecords
{
    public static IReadOnlyList<EvaluationRecord> ReadMetrics(string path)
    {
        if (!File.Exists(path)) return Array.Empty<EvaluationRecord>();
        var records = new List<EvaluationRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                records.Add(JsonSerializer.Deserialize<EvaluationRecord>(line) ?? throw new JsonException("empty record"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} line {number}: not a metrics record ({e.Message})");
            }
        }
        return records;
    }

    /// <summary>metrics.jsonl's text for <paramref name="records"/>, one JSON line each.</summary>
    public static string MetricsText(IEnumerable<EvaluationRecord> records) =>
        string.Concat(records.Select(r => JsonSerializer.Serialize(r) + "\n"));

    /// <summary>Training seconds already spent by earlier parts of a resumed run.</summary>
    public static double PreviousTrainSeconds(string path) => ReadMetrics(path).Sum(r => r.Seconds);

    /// <summary>NaN (a class absent from truth and prediction) becomes null in JSON.</summary>
    public static double?[] Nullable(double[] values) => values.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray();

    /// <summary>summary.json's text after the epoch of <paramref name="last"/>; <paramref name="worldSize"/>: worker processes.</summary>
    public static string SummaryText(ExperimentConfig config, DataSources data, Checkpoint.Position position,
                                     EvaluationRecord last, double trainSeconds, int worldSize = 1)
    {
        // Before the first evaluation there is no best yet: null in the file, not -infinity.
        var best = double.IsFinite(position.BestMeanIoU) ? position.BestMeanIoU : double.NaN;
        var summary = new RunSummary(config.Method, best, position.BestEpoch, last.MeanIoU, last.PerClassIoU,
            data.ClassNames.ToArray(), trainSeconds, data.Labeled.Count, data.Unlabeled?.Count ?? 0, config.Trainer.Epochs, config.Seed,
            config.Method == "u2pl" ? config.Profile.Name : null, worldSize * config.Profile.WorldSize);
        return JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public static RunSummary ReadSummary(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no summary.json (the run has not finished an epoch)", path);
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path)) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a run summary ({e.Message})");
        }
    }
}
