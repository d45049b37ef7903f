using System.CommandLine;
using SemiSeg.Methods;
using SemiSeg.Torch;
using SemiSeg.Torch.nn;
using SemiSeg.Models;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>The config and network of a checkpoint: a checkpoint written by train carries its resolved config.</summary>
internal static class CheckpointConfig
{
    /// <summary>The --amp option of eval, predict and pseudo-labels; it sets trainer.amp, so a bad value is the config's error.</summary>
    public static Option<string?> AmpOption() => new("--amp")
    {
        Description = "mixed precision of the forward: off, bf16 or fp16 (CUDA only) (default: the config's trainer.amp)",
    };

    /// <summary>The config override for an --amp value (none when not given).</summary>
    public static IEnumerable<string> AmpOverride(string? amp) => amp is null ? Array.Empty<string>() : new[] { $"trainer.amp={amp}" };

    public static ExperimentConfig Load(string? configPath, string checkpointPath, IEnumerable<string> overrides)
    {
        var config = LoadUnchecked(configPath, checkpointPath, overrides);
        DeviceCheck.Ensure(config.Device, config.SourcePath);
        if (config.Threads > 0) Torch.Torch.NumThreads = config.Threads;
        return config;
    }

    private static ExperimentConfig LoadUnchecked(string? configPath, string checkpointPath, IEnumerable<string> overrides)
    {
        if (configPath is not null) return ExperimentConfig.Load(configPath, overrides);
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"{checkpointPath}: checkpoint not found", checkpointPath);
        using var checkpoint = TorchFile.LoadDict(checkpointPath);
        if (!checkpoint.ContainsKey("config"))
            throw new ArgumentException($"{checkpointPath} carries no config (not written by semiseg train); pass --config");
        // Relative paths in the stored config are resolved against the folder of the config it came from.
        var directory = checkpoint.ContainsKey("config_dir") ? checkpoint.GetString("config_dir") : Directory.GetCurrentDirectory();
        return ExperimentConfig.Parse(checkpoint.GetString("config"), directory, $"{checkpointPath} (stored config)", overrides);
    }

    /// <summary>The network to evaluate (see <see cref="Select"/>), in the config's trainer.amp precision.</summary>
    public static TrainingModels LoadModels(ExperimentConfig config, string checkpointPath, string which, out SegmentationModel selected) =>
        LoadModels(config, checkpointPath, which, out selected, out _);

    /// <summary>The network to evaluate, and which of the checkpoint's networks it is and why.</summary>
    public static TrainingModels LoadModels(ExperimentConfig config, string checkpointPath, string which, out SegmentationModel selected,
                                            out CheckpointModel chosen)
    {
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"{checkpointPath}: checkpoint not found", checkpointPath);
        using var scope = Torch.Torch.NewDisposeScope();
        using var checkpoint = TorchFile.LoadDict(checkpointPath);
        chosen = Select(checkpoint, checkpointPath, which);
        var key = chosen.Key;
        var state = key is null ? checkpoint : checkpoint.ContainsKey(key) ? checkpoint.GetDict(key)
            : throw new ArgumentException($"{checkpointPath} has no '{key}'");
        var model = ModelBuilder.Build(config.Net);
        model.Amp = config.Trainer.Amp;
        if (config.Trainer.Amp.SlowOnCpuWarning(config.Device) is { } slow) Console.Error.WriteLine($"warning: {slow}");
        try
        {
            model.LoadStateDict(state.ToTensors(), strict: true, stripPrefix: "module.");
            if (config.Device != Device.CPU) model.To(config.Device);
        }
        catch (StateDictMismatchException e)
        {
            model.Dispose();
            throw new InvalidDataException($"{checkpointPath}: {key ?? "the state dict"} does not fit the network of {config.SourcePath} (nothing was loaded):{e.Report.DescribeProblems()}");
        }
        catch
        {
            model.Dispose();
            throw;
        }
        selected = model;
        return new TrainingModels(model, null);
    }

    /// <summary>A <c>which</c> for pseudo-labels: the teacher when the checkpoint has one (it makes the pseudo-labels), whatever was evaluated.</summary>
    public const string TeacherIfPresent = "teacher-if-present";

    /// <summary>
    /// Which network of a checkpoint to evaluate: --model teacher or student when given; else the one
    /// the checkpoint records as scored by training (evaluated_model: the student during the warm start,
    /// the teacher after), so eval reproduces the checkpoint's best_miou; else (an official or older
    /// checkpoint) teacher_state when present, as the official eval.py; else model_state; else a bare state dict.
    /// </summary>
    public static CheckpointModel Select(TorchDict checkpoint, string checkpointPath, string which)
    {
        var epoch = checkpoint.ContainsKey("epoch") ? (int?)checkpoint.GetInt("epoch") : null;
        // A checkpoint written by a stop signal part way through an epoch carries that epoch's loss sums.
        var stepsIntoEpoch = checkpoint.ContainsKey(Checkpoint.EpochLossesKey)
            ? (int?)LossAverages.FromDict(checkpoint.GetDict(Checkpoint.EpochLossesKey)).Steps : null;
        var bestEpoch = checkpoint.ContainsKey("best_epoch") ? (int?)checkpoint.GetInt("best_epoch") : null;
        // best_miou is this checkpoint's own score only when the checkpoint was written after the best epoch (ckpt_best.pth).
        double? score = checkpoint.ContainsKey("best_miou") && epoch is { } e && bestEpoch == e - 1 ? checkpoint.GetDouble("best_miou") : null;
        var recorded = checkpoint.ContainsKey(Checkpoint.EvaluatedModel) ? checkpoint.GetString(Checkpoint.EvaluatedModel) : null;
        var (key, reason) = which switch
        {
            "teacher" => ("teacher_state", "--model teacher"),
            "student" => ("model_state", "--model student"),
            "auto" when recorded is "teacher" or "student" => (recorded == "teacher" ? "teacher_state" : "model_state",
                                                              "the network training evaluated for this checkpoint"),
            "auto" when checkpoint.ContainsKey("teacher_state") => ("teacher_state", "no evaluated_model recorded: the teacher, as the official eval.py"),
            "auto" when checkpoint.ContainsKey("model_state") => ("model_state", "the checkpoint's only network"),
            "auto" => ((string?)null, "a bare state dict"),
            TeacherIfPresent when checkpoint.ContainsKey("teacher_state") => ("teacher_state", "the teacher, which makes the pseudo-labels in training"),
            TeacherIfPresent when checkpoint.ContainsKey("model_state") => ("model_state", "the checkpoint's only network"),
            TeacherIfPresent => ((string?)null, "a bare state dict"),
            _ => throw new ArgumentException($"--model {which}: expected teacher or student"),
        };
        return new CheckpointModel(key, key switch { "teacher_state" => "teacher", "model_state" => "student", _ => "state dict" }, reason, epoch, score, stepsIntoEpoch);
    }
}
