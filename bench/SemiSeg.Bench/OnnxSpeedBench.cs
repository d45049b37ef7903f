using SemiSeg.Export;
using SemiSeg.Inference;
using SemiSeg.Models;
using SemiSeg.Training;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Bench;

/// <summary>
/// Images per second of the same network (random weights), input and thread count through our libtorch
/// eval forward (forward + align_corners upsampling of the logits to the input) and through ONNX Runtime's
/// CPU execution provider running the `semiseg export` graph (which ends in the same upsampling), in one
/// process, one after the other. Prints Markdown rows; bench/onnx_speed.sh records them.
/// Options: --threads N (both engines; default 2), --quick (fewer rounds, a smoke run).
/// </summary>
internal static class OnnxSpeedBench
{
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var threadsAt = Array.IndexOf(args, "--threads");
        var threads = threadsAt >= 0 ? int.Parse(args[threadsAt + 1]) : 2;
        T.NumThreads = threads;
        var root = RepositoryRoot();
        var cases = new[]
        {
            ("FashionScenes preset (configs/fashion/u2pl.yaml), 64x64", Path.Combine(root, "configs/fashion/u2pl.yaml"), 64, quick ? 3 : 30),
            ("VOC ResNet-101 DeepLabv3+ (configs/pascal/1464/u2pl.yaml), 161x161", Path.Combine(root, "configs/pascal/1464/u2pl.yaml"), 161, quick ? 1 : 3),
        };
        Console.WriteLine($"| network, input (batch 1) | threads | libtorch eval forward img/s | ONNX Runtime CPU EP img/s | ONNX / libtorch | max abs logit difference |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, config, size, rounds) in cases) Console.WriteLine(Measure(name, ExperimentConfig.Load(config), size, rounds, threads));
        return 0;
    }

    private static string Measure(string name, ExperimentConfig config, int size, int rounds, int threads)
    {
        using var generator = new Generator(0);
        using var model = ModelBuilder.Build(config.Net, generator);
        model.Eval();
        var path = Path.Combine(Path.GetTempPath(), $"semiseg-bench-{Guid.NewGuid():N}.onnx");
        try
        {
            var classes = Enumerable.Range(0, config.Net.NumClasses).Select(k => k.ToString()).ToArray();
            OnnxExporter.Write(model, new OnnxExportOptions(size, size, config.Data.ValAugmentation.Mean, config.Data.ValAugmentation.Std, classes), path);
            using var onnx = new OnnxSegmenter(path, threads);
            var random = new Random(1);
            var input = Enumerable.Range(0, 3 * size * size).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            float[] torchLogits = Array.Empty<float>(), onnxLogits = Array.Empty<float>();
            var torchSeconds = Timing.MedianSeconds(() => torchLogits = TorchLogits(model, input, size), rounds, warmup: 1);
            var onnxSeconds = Timing.MedianSeconds(() => onnxLogits = onnx.Logits(input, 1, size, size), rounds, warmup: 1);
            var difference = torchLogits.Zip(onnxLogits, (a, b) => Math.Abs((double)a - b)).Max();
            return $"| {name} | {threads} | {1 / torchSeconds:F2} | {1 / onnxSeconds:F2} | {torchSeconds / onnxSeconds:F2}x | {difference:E1} |";
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static float[] TorchLogits(SegmentationModel model, float[] input, int size)
    {
        using var scope = T.NewDisposeScope();
        using var noGrad = T.NoGrad();
        using var output = model.Forward(Tensor.From<float>(input, new long[] { 1, 3, size, size }));
        return F.Interpolate(output.Prediction, size, size, InterpolationMode.Bilinear, alignCorners: true).Contiguous().ToArray<float>();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SemiSeg.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no SemiSeg.slnx above {AppContext.BaseDirectory}");
    }
}
