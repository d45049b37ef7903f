using SemiSeg.Inference;
using SemiSeg.Torch;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg predict --onnx`: the same label, colour and overlay PNGs as predict with a checkpoint, but
/// the network runs on ONNX Runtime through SemiSeg.Inference (the library a deployed app uses), so the
/// two sets of PNGs can be compared. Images are read and written with the CLI's image files, as predict's.
/// </summary>
internal static class OnnxPredict
{
    /// <param name="stems">output path stems, one per file (PredictionOutputs.Plan: checked against the input folder and existing outputs)</param>
    public static void Run(string modelPath, IReadOnlyList<string> files, IReadOnlyList<string> stems, string outDir, int threads)
    {
        using var segmenter = new OnnxSegmenter(modelPath, threads);
        var window = segmenter.Window is { } w ? $"windows of {w.Height}x{w.Width}" : "whole images";
        Console.WriteLine($"model: {modelPath} on ONNX Runtime ({segmenter.Info.ClassNames.Count} classes, {window})");
        Directory.CreateDirectory(outDir);
        foreach (var (file, stem) in files.Zip(stems))
        {
            var image = ImageFile.Read(file);
            if (image.Channels != 3) throw new InvalidDataException($"{file}: expected an RGB image, got {image.Channels} channels");
            var result = segmenter.Segment(image.Pixels, image.Height, image.Width);
            if (result.NumClasses > 256) throw new InvalidDataException($"{modelPath}: {result.NumClasses} classes do not fit 8-bit label PNGs");
            var labels = result.Labels.Select(l => (byte)l).ToArray();
            ImageFile.Write(stem + "_label.png", new ByteImage(image.Height, image.Width, 1, labels));
            ImageFile.Write(stem + "_color.png", PredictCommand.Colour(labels, image.Height, image.Width));
            ImageFile.Write(stem + "_overlay.png", PredictCommand.Overlay(image, labels));
            Console.WriteLine($"{file} -> {stem}_{{label,color,overlay}}.png");
        }
    }
}
