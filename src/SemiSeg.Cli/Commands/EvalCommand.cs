using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SemiSeg.Data;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>`semiseg eval --config FILE --checkpoint FILE [--mode center|full|sliding] [--flip] [--scales ...] [--amp off|bf16|fp16] [--json]`.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "config (default: the one stored in the checkpoint)" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint (.pth) written by train, or an official U2PL one", Required = true };
        var mode = new Option<string?>("--mode") { Description = "center, full or sliding (default: the config's dataset.val.mode)" };
        var model = new Option<string>("--model") { Description = "teacher or student (default: teacher when present)", DefaultValueFactory = _ => "auto" };
        var flip = new Option<bool>("--flip") { Description = "average with the horizontally flipped image" };
        var scales = new Option<double[]>("--scales") { Description = "multi-scale testing, e.g. --scales 0.75 1 1.25", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "print the summary.json fields as JSON" };
        var set = new Option<string[]>("--set") { Description = "override a config key (repeatable)" };
        var amp = CheckpointConfig.AmpOption();
        var command = new Command("eval", "Evaluate a checkpoint on the validation set (mIoU and IoU per class)")
            { config, checkpoint, mode, model, flip, scales, json, set, amp };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var overrides = (result.GetValue(set) ?? Array.Empty<string>()).ToList();
            if (result.GetValue(mode) is { } m) overrides.Add($"dataset.val.mode={m}");
            overrides.AddRange(CheckpointConfig.AmpOverride(result.GetValue(amp)));
            var path = result.GetValue(checkpoint)!;
            var experiment = CheckpointConfig.Load(result.GetValue(config), path, overrides);
            using var models = CheckpointConfig.LoadModels(experiment, path, result.GetValue(model)!, out var which);
            var data = DataSources.Open(experiment.Data, unlabeled: false);
            var validation = Validation.Run(which, data.ValidationLoader(experiment.Data), experiment.Data, experiment.Net.NumClasses,
                                            experiment.Device, result.GetValue(flip), result.GetValue(scales) is { Length: > 0 } s ? s : null);
            var summary = new RunSummary(experiment.Method, validation.MeanIoU, -1, validation.MeanIoU, RunRecords.Nullable(validation.IoU),
                data.ClassNames.ToArray(), 0, data.Labeled.Count, 0, experiment.Trainer.Epochs, experiment.Seed);
            if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            else
            {
                ResultTable.Print(summary);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pixel accuracy {validation.PixelAccuracy * 100:F2}%, mode {experiment.Data.ValMode}, {data.Validation.Count} images"));
            }
        }));
        return command;
    }
}
