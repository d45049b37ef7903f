using System.CommandLine;
using System.Text.Json;
using SemiSeg.Data;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>`semiseg eval --checkpoint FILE [--config FILE] [--mode center|full|sliding] [--flip] [--scales ...] [--model M] [--amp off|bf16|fp16] [--json] [--set k=v] [--device D] [--threads N]`.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "config (default: the one stored in the checkpoint)" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint (.pth) written by train, or an official U2PL one", Required = true };
        var mode = new Option<string?>("--mode") { Description = "center, full or sliding (default: the config's dataset.val.mode)" };
        var model = new Option<string>("--model")
        {
            Description = "teacher or student (default: the network training scored for this checkpoint; for other checkpoints the teacher when present)",
            DefaultValueFactory = _ => "auto",
        };
        var flip = new Option<bool>("--flip") { Description = "average with the horizontally flipped image" };
        var scales = new Option<double[]>("--scales") { Description = "multi-scale testing, e.g. --scales 0.75 1 1.25", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "print the result as JSON (the checkpoint, which network and why, mIoU, IoU per class)" };
        var amp = CheckpointConfig.AmpOption();
        var command = new Command("eval", "Evaluate a checkpoint on the validation set (mIoU and IoU per class)")
            { config, checkpoint, mode, model, flip, scales, json, amp };
        var options = new RunOptions().AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var overrides = options.Overrides(result);
            if (result.GetValue(mode) is { } m) overrides.Add($"dataset.val.mode={m}");
            overrides.AddRange(CheckpointConfig.AmpOverride(result.GetValue(amp)));
            var path = result.GetValue(checkpoint)!;
            var experiment = CheckpointConfig.Load(result.GetValue(config), path, overrides);
            using var models = CheckpointConfig.LoadModels(experiment, path, result.GetValue(model)!, out var which, out var chosen);
            var data = DataSources.Open(experiment.Data, unlabeled: false);
            var validation = Validation.Run(which, data.ValidationLoader(experiment.Data), experiment.Data, experiment.Net.NumClasses,
                                            experiment.Device, result.GetValue(flip), result.GetValue(scales) is { Length: > 0 } s ? s : null);
            var summary = new EvaluationSummary(experiment.Method, path, chosen.Name, chosen.Reason, chosen.Epoch, chosen.RecordedMeanIoU,
                validation.MeanIoU, RunRecords.Nullable(validation.IoU), data.ClassNames.ToArray(), validation.PixelAccuracy,
                experiment.Data.ValMode, data.Validation.Count, chosen.StepsIntoEpoch, chosen.Describe());
            if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            else ResultTable.Print(summary);
        }));
        return command;
    }
}
