using System.CommandLine;
using SemiSeg.Methods;
using SemiSeg.Torch;
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
        if (configPath is not null) return ExperimentConfig.Load(configPath, overrides);
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"{checkpointPath}: checkpoint not found", checkpointPath);
        using var checkpoint = TorchFile.LoadDict(checkpointPath);
        if (!checkpoint.ContainsKey("config"))
            throw new ArgumentException($"{checkpointPath} carries no config (not written by semiseg train); pass --config");
        // Relative paths in the stored config are resolved against the folder of the config it came from.
        var directory = checkpoint.ContainsKey("config_dir") ? checkpoint.GetString("config_dir") : Directory.GetCurrentDirectory();
        return ExperimentConfig.Parse(checkpoint.GetString("config"), directory, $"{checkpointPath} (stored config)", overrides);
    }

    /// <summary>The network to evaluate: the teacher_state when present (or asked for), else model_state, in the config's trainer.amp precision.</summary>
    public static TrainingModels LoadModels(ExperimentConfig config, string checkpointPath, string which, out SegmentationModel selected)
    {
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"{checkpointPath}: checkpoint not found", checkpointPath);
        using var scope = Torch.Torch.NewDisposeScope();
        using var checkpoint = TorchFile.LoadDict(checkpointPath);
        var key = which switch
        {
            "teacher" => "teacher_state",
            "student" => "model_state",
            _ => checkpoint.ContainsKey("teacher_state") ? "teacher_state" : checkpoint.ContainsKey("model_state") ? "model_state" : null,
        };
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
        catch
        {
            model.Dispose();
            throw;
        }
        selected = model;
        return new TrainingModels(model, null);
    }
}
