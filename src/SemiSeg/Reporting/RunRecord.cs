using System.Text.Json;
using SemiSeg.Training;

namespace SemiSeg.Reporting;

/// <summary>
/// A run read back from its directory: summary.json, metrics.jsonl, steps.jsonl, config.yaml (if
/// present) and visuals/visuals.json (if the run wrote pictures); finished or still going
/// (<see cref="IsFinished"/>, for `semiseg report --follow`). Every problem is reported as a
/// <see cref="ReportException"/> naming the directory or file, and the line for metrics.jsonl.
/// </summary>
public sealed class RunRecord
{
    public const string SummaryFileName = "summary.json";
    public const string MetricsFileName = "metrics.jsonl";
    public const string ConfigFileName = "config.yaml";

    // Missing or null required fields are errors, not zeros: a truncated record must not pass as a run.
    private static readonly JsonSerializerOptions Json = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private RunRecord(string directory, RunSummary summary, IReadOnlyList<EvaluationRecord> evaluations, IReadOnlyList<StepRecord> steps,
                      string? config, VisualsManifest? visuals)
    {
        Steps = steps;
        Directory = directory;
        Name = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        Summary = summary;
        Evaluations = evaluations;
        ConfigText = config;
        Visuals = visuals;
    }

    public string Directory { get; }

    /// <summary>The run directory's own name (for example u2pl_1-8_seed0).</summary>
    public string Name { get; }
    public RunSummary Summary { get; }
    public IReadOnlyList<EvaluationRecord> Evaluations { get; }

    /// <summary>steps.jsonl (trainer.log_every); empty for runs without it.</summary>
    public IReadOnlyList<StepRecord> Steps { get; }
    public string? ConfigText { get; }
    public VisualsManifest? Visuals { get; }

    /// <summary>
    /// The trainer has recorded its last epoch and written the run's pictures, which it does after
    /// the last epoch's summary (a run that is still going has neither).
    /// </summary>
    public bool IsFinished => Evaluations.Count > 0 && Evaluations[^1].Epoch >= Summary.Epochs - 1 && (Visuals is not null || ByTheOfficialCode);

    /// <summary>
    /// The run was made by the official U2PL code (tools/official_u2pl_train.py writes official.json): it has
    /// no pictures to wait for, so its last epoch's record finishes it.
    /// </summary>
    public bool ByTheOfficialCode => File.Exists(Path.Combine(Directory, OfficialRecordFileName));

    public const string OfficialRecordFileName = "official.json";

    /// <summary>The full path of a picture listed in visuals.json.</summary>
    public string VisualPath(string fileName) => Path.Combine(Directory, VisualsWriter.FolderName, fileName);

    public static RunRecord Load(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
            throw new ReportException(File.Exists(full) ? $"{full}: is a file, not a run directory" : $"{full}: run directory does not exist");
        var summary = ReadSummary(Path.Combine(full, SummaryFileName));
        var evaluations = ReadMetrics(Path.Combine(full, MetricsFileName));
        var steps = ReadSteps(Path.Combine(full, StepLog.FileName));
        var configPath = Path.Combine(full, ConfigFileName);
        var config = File.Exists(configPath) ? File.ReadAllText(configPath) : null;
        var visuals = ReadVisuals(full);
        return new RunRecord(full, summary, evaluations, steps, config, visuals);
    }

    private static RunSummary ReadSummary(string path)
    {
        if (!File.Exists(path))
            throw new ReportException($"{path}: missing; the trainer writes {SummaryFileName} when a run finishes, is this a finished run directory?");
        var summary = Parse<RunSummary>(File.ReadAllText(path), $"{path}: not a valid run summary");
        if (string.IsNullOrWhiteSpace(summary.Method)) throw new ReportException($"{path}: 'method' is empty");
        if (summary.PerClassIoU.Length != summary.ClassNames.Length)
            throw new ReportException($"{path}: 'per_class_iou' has {summary.PerClassIoU.Length} values for {summary.ClassNames.Length} 'class_names'");
        return summary;
    }

    private static List<EvaluationRecord> ReadMetrics(string path)
    {
        if (!File.Exists(path)) throw new ReportException($"{path}: missing; the trainer appends one line per evaluation to {MetricsFileName}");
        var records = new List<EvaluationRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            records.Add(Parse<EvaluationRecord>(line, $"{path} line {number}: not a valid evaluation record"));
        }
        return records;
    }

    private static IReadOnlyList<StepRecord> ReadSteps(string path)
    {
        try
        {
            return StepLog.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new ReportException(e.Message, e);
        }
    }

    private static VisualsManifest? ReadVisuals(string runDirectory)
    {
        var path = Path.Combine(runDirectory, VisualsWriter.FolderName, VisualsWriter.ManifestFileName);
        if (!File.Exists(path)) return null;
        var manifest = Parse<VisualsManifest>(File.ReadAllText(path), $"{path}: not a valid visuals manifest");
        var files = manifest.Validation.SelectMany(v => new[] { v.Image, v.Truth, v.Prediction })
            .Concat(manifest.Unlabeled.SelectMany(u => new[] { u.Image, u.Entropy, u.Partition, u.Pseudo }));
        foreach (var file in files)
        {
            var picture = Path.Combine(runDirectory, VisualsWriter.FolderName, file);
            if (!File.Exists(picture)) throw new ReportException($"{path}: lists {file}, but {picture} does not exist");
        }
        return manifest;
    }

    private static T Parse<T>(string json, string context)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new ReportException($"{context}: the file holds null");
        }
        catch (JsonException e)
        {
            throw new ReportException($"{context}: {e.Message}", e);
        }
    }
}
