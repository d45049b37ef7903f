using System.CommandLine;
using SemiSeg.Data;
using SemiSeg.Evaluation;
using SemiSeg.Torch;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg predict (--checkpoint FILE | --onnx FILE) --input DIR_OR_IMAGE --output DIR [--amp bf16]`: for each image, the label
/// map as a grayscale PNG (pixel value = class), a colour-palette PNG and an overlay on the image.
/// The network is the one eval would score (--model), with eval's --flip and --scales; --set,
/// --device and --threads override the config as for train and eval. With --onnx the model exported by
/// `semiseg export` runs on ONNX Runtime through SemiSeg.Inference instead (<see cref="OnnxPredict"/>).
/// </summary>
internal static class PredictCommand
{
    private static readonly string[] ImageExtensions = { ".png", ".jpg", ".jpeg", ".bmp" };

    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "checkpoint written by train (or give --onnx)" };
        var onnx = new Option<string?>("--onnx") { Description = "a model written by semiseg export, run on ONNX Runtime instead of a checkpoint" };
        var input = new Option<string>("--input") { Description = "an image file or a folder of images", Required = true };
        var output = new Option<string>("--output") { Description = "folder for the label, colour and overlay PNGs", Required = true };
        var config = new Option<string?>("--config") { Description = "config (default: the one stored in the checkpoint)" };
        var model = new Option<string>("--model")
        {
            Description = "teacher or student (default: the network training scored for this checkpoint; for other checkpoints the teacher when present)",
            DefaultValueFactory = _ => "auto",
        };
        var flip = new Option<bool>("--flip") { Description = "average with the horizontally flipped image" };
        var scales = new Option<double[]>("--scales") { Description = "multi-scale prediction, e.g. --scales 0.75 1 1.25", AllowMultipleArgumentsPerToken = true };
        var amp = CheckpointConfig.AmpOption();
        var overwrite = new Option<bool>("--overwrite") { Description = "replace predictions already in --output" };
        var command = new Command("predict", "Segment images with a trained checkpoint") { checkpoint, onnx, input, output, config, model, flip, scales, amp, overwrite };
        var options = new RunOptions().AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var files = Inputs(result.GetValue(input)!);
            var outDir = result.GetValue(output)!;
            var stems = PredictionOutputs.Plan(result.GetValue(input)!, files, outDir, result.GetValue(overwrite));
            if (result.GetValue(onnx) is { } onnxPath)
            {
                var unused = new Option[] { checkpoint, config, flip, scales, amp, options.Set, options.Device }.Where(o => result.GetResult(o) is { Implicit: false });
                if (unused.FirstOrDefault() is { } clash) throw new ArgumentException($"{clash.Name} does not apply to --onnx (the exported model carries its settings)");
                if (result.GetResult(model) is { Implicit: false }) throw new ArgumentException("--model does not apply to --onnx (export chose the network)");
                OnnxPredict.Run(onnxPath, files, stems, outDir, result.GetValue(options.Threads) ?? 0);
                return;
            }
            var path = result.GetValue(checkpoint) ?? throw new ArgumentException("give --checkpoint (or --onnx)");
            var experiment = CheckpointConfig.Load(result.GetValue(config), path, options.Overrides(result).Concat(CheckpointConfig.AmpOverride(result.GetValue(amp))));
            using var models = CheckpointConfig.LoadModels(experiment, path, result.GetValue(model)!, out var network, out var chosen);
            Console.WriteLine($"model: {chosen.Name} of {path} ({chosen.Reason})");
            network.Eval();
            Directory.CreateDirectory(outDir);
            var window = experiment.Data.ValMode == "sliding" && experiment.Data.ValWindow is { } w ? new[] { w.Height, w.Width } : null;
            var predictor = new Predictor(images => network.Forward(images).Prediction, experiment.Net.NumClasses)
            {
                WindowSize = window,
                Flip = result.GetValue(flip),
                Scales = result.GetValue(scales) is { Length: > 0 } s ? s : new[] { 1.0 },
            };
            var mean = experiment.Data.ValAugmentation.Mean;
            var std = experiment.Data.ValAugmentation.Std;
            foreach (var (file, stem) in files.Zip(stems))
            {
                using var scope = Torch.Torch.NewDisposeScope();
                using var noGrad = Torch.Torch.NoGrad();
                var image = ImageFile.Read(file);
                var labels = predictor.Predict(Normalised(image, mean, std, experiment.Device)).Select(0, 0).To(ScalarType.UInt8).To(Device.CPU).ToArray<byte>();
                ImageFile.Write(stem + "_label.png", new ByteImage(image.Height, image.Width, 1, labels));
                ImageFile.Write(stem + "_color.png", Colour(labels, image.Height, image.Width));
                ImageFile.Write(stem + "_overlay.png", Overlay(image, labels));
                Console.WriteLine($"{file} -> {stem}_{{label,color,overlay}}.png");
            }
        }));
        return command;
    }

    internal static IReadOnlyList<string> Inputs(string input)
    {
        if (File.Exists(input)) return new[] { input };
        if (!Directory.Exists(input)) throw new FileNotFoundException($"{input}: no such image or folder", input);
        var files = Directory.EnumerateFiles(input).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order().ToList();
        return files.Count > 0 ? files : throw new FileNotFoundException($"{input}: the folder holds no .png/.jpg images", input);
    }

    /// <summary>(1, 3, H, W) float: (pixel - mean) / std per RGB channel, as the validation transform.</summary>
    private static Tensor Normalised(ByteImage image, double[] mean, double[] std, Device device)
    {
        if (image.Channels != 3) throw new InvalidDataException($"expected an RGB image, got {image.Channels} channels");
        var plane = image.Height * image.Width;
        var data = new float[3 * plane];
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                data[c * plane + i] = (float)((image.Pixels[i * 3 + c] - mean[c]) / std[c]);
        return Tensor.From<float>(data, new long[] { 1, 3, image.Height, image.Width }, device);
    }

    internal static ByteImage Colour(byte[] labels, int height, int width)
    {
        var rgb = new byte[labels.Length * 3];
        for (var i = 0; i < labels.Length; i++)
        {
            var (r, g, b) = VocPalette.ColorOf(labels[i]);
            (rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) = (r, g, b);
        }
        return new ByteImage(height, width, 3, rgb);
    }

    /// <summary>Half image, half class colour; background (class 0) keeps the image.</summary>
    internal static ByteImage Overlay(ByteImage image, byte[] labels)
    {
        var rgb = (byte[])image.Pixels.Clone();
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == 0) continue;
            var (r, g, b) = VocPalette.ColorOf(labels[i]);
            rgb[i * 3] = (byte)((rgb[i * 3] + r) / 2);
            rgb[i * 3 + 1] = (byte)((rgb[i * 3 + 1] + g) / 2);
            rgb[i * 3 + 2] = (byte)((rgb[i * 3 + 2] + b) / 2);
        }
        return new ByteImage(image.Height, image.Width, 3, rgb);
    }
}
