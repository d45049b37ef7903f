using System.CommandLine;
using SemiSeg.Data;
using SemiSeg.Export;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg export --checkpoint FILE --onnx model.onnx [--height H --width W | --dynamic] [--model M]`:
/// the network eval would score (teacher or student, as recorded in the checkpoint) as an ONNX model
/// in eval mode, with the config's mean, std and class names in its metadata (docs/deploy.md).
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint written by train", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "the .onnx file to write", Required = true };
        var height = new Option<int?>("--height") { Description = "fixed input height (with --width); larger images are then segmented in sliding windows" };
        var width = new Option<int?>("--width") { Description = "fixed input width (with --height)" };
        var dynamic = new Option<bool>("--dynamic") { Description = "any input size (the default when no --height/--width is given)" };
        var config = new Option<string?>("--config") { Description = "config (default: the one stored in the checkpoint)" };
        var model = new Option<string>("--model")
        {
            Description = "teacher or student (default: the network training scored for this checkpoint, as eval)",
            DefaultValueFactory = _ => "auto",
        };
        var command = new Command("export", "Export a checkpoint's network to ONNX, for ONNX Runtime without libtorch (SemiSeg.Inference)")
            { checkpoint, onnx, height, width, dynamic, config, model };
        var options = new RunOptions().AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var (h, w) = (result.GetValue(height), result.GetValue(width));
            if (h is null != w is null) throw new ArgumentException("--height and --width go together");
            if (h is not null && result.GetValue(dynamic)) throw new ArgumentException("--dynamic and --height/--width exclude each other");
            var path = result.GetValue(checkpoint)!;
            var experiment = CheckpointConfig.Load(result.GetValue(config), path, options.Overrides(result));
            using var models = CheckpointConfig.LoadModels(experiment, path, result.GetValue(model)!, out var network, out var chosen);
            network.Eval();
            var data = experiment.Data;
            var exportOptions = new OnnxExportOptions(h, w, data.ValAugmentation.Mean, data.ValAugmentation.Std, ClassNames(data))
            {
                Window = h is null && data.ValMode == "sliding" ? data.ValWindow : null,
                Source = $"{chosen.Name} of {Path.GetFileName(path)}",
            };
            var output = result.GetValue(onnx)!;
            OnnxExporter.Write(network, exportOptions, output);
            var size = h is null ? "dynamic input size" : $"input {h}x{w}";
            Console.WriteLine($"model: {chosen.Name} of {path} ({chosen.Reason})");
            Console.WriteLine($"wrote {output} ({new FileInfo(output).Length / 1e6:F1} MB, {size}, opset {OnnxExporter.Opset})");
        }));
        return command;
    }

    /// <summary>The dataset's class names without opening the dataset: the built-in lists, or a folder dataset's class-names file.</summary>
    internal static IReadOnlyList<string> ClassNames(DataConfig data) => data.Type switch
    {
        "pascal_semi" or "pascal" => VocDataset.ClassNames,
        "cityscapes_semi" or "cityscapes" => CityscapesDataset.ClassNames,
        _ => FolderDataset.ReadClassNames(data.ClassNamesFile ?? Path.Combine(data.ValRoot, FolderDataset.ClassNamesFile)),
    };
}
