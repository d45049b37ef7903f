using SemiSeg.Export;
using SemiSeg.Inference;
using SemiSeg.Models;
using SemiSeg.Torch.nn;
using SemiSeg.Training;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Export;

/// <summary>Shared steps of the export tests: a shipped config's network with random weights, an export to a temp file, both forwards.</summary>
internal static class OnnxParity
{
    public static ExperimentConfig Config(string relative) => ExperimentConfig.Load(Path.Combine(RepositoryPaths.Root, "configs", relative));

    /// <summary>
    /// The config's network in eval mode with random weights, random batch-norm scales and shifts, and
    /// running statistics calibrated on a random batch (each norm's mean and variance are those of its
    /// conv's output, as after training). Freshly initialised norms would be near the identity (and
    /// zero-init residual norms would switch whole branches off, leaving parts of the graph untested),
    /// while uncalibrated ones let activations grow through 100 layers until 1e-4 is below float32's
    /// resolution of the logits.
    /// </summary>
    public static SegmentationModel RandomNetwork(NetConfig config, ulong seed)
    {
        using var generator = new Generator(seed);
        var model = ModelBuilder.Build(config, generator);
        using var scope = T.NewDisposeScope();
        using var noGrad = T.NoGrad();
        foreach (var (_, module) in model.NamedModules())
        {
            if (module is not BatchNorm2d norm) continue;
            var shape = new[] { norm.NumFeatures };
            norm.Weight.CopyInPlace(T.Rand(shape, generator) * 0.5 + 0.75);
            norm.Bias.CopyInPlace(T.Randn(shape, generator) * 0.1);
        }
        model.Eval();
        CalibrateNorms(model, generator);
        return model;
    }

    /// <summary>Sets every conv-following norm's running statistics to those of the conv's output on a random (2, 3, 48, 48) batch, in one forward.</summary>
    private static void CalibrateNorms(SegmentationModel model, Generator generator)
    {
        var modules = model.NamedModules().ToDictionary(m => m.Name, m => m.Module);
        var normAfter = new Dictionary<Module, BatchNorm2d>();
        foreach (var (path, module) in modules)
            if (module is Conv2d && FollowingNorm(path, modules) is { } norm) normAfter[module] = norm;
        using var watch = ForwardObserver.Watch((layer, _, convOutput) =>
        {
            if (!normAfter.TryGetValue(layer, out var norm)) return;
            using var scope = T.NewDisposeScope();
            var mean = convOutput.Mean(new long[] { 0, 2, 3 });
            var variance = (convOutput - mean.Reshape(1, -1, 1, 1)).Pow(2).Mean(new long[] { 0, 2, 3 }).ClampMin(1e-3);
            norm.RunningMean.CopyInPlace(mean);
            norm.RunningVar.CopyInPlace(variance);
        });
        using var calibration = model.Forward(T.Randn(new long[] { 2, 3, 48, 48 }, generator));
    }

    /// <summary>The norm a conv feeds: bnK beside convK (blocks), the next index (Sequentials), or the stem's bn1.</summary>
    private static BatchNorm2d? FollowingNorm(string path, IReadOnlyDictionary<string, Module> modules)
    {
        var cut = path.LastIndexOf('.');
        var (parent, name) = (path[..cut], path[(cut + 1)..]);
        var candidates = new List<string>();
        if (name.StartsWith("conv")) candidates.Add($"{parent}.bn{name[4..]}");
        if (int.TryParse(name, out var index)) candidates.Add($"{parent}.{index + 1}");
        if (path.StartsWith("encoder.conv1")) candidates.Add("encoder.bn1");
        return candidates.Select(c => modules.GetValueOrDefault(c)).OfType<BatchNorm2d>().FirstOrDefault();
    }

    public static OnnxExportOptions Options(ExperimentConfig config, long? height = null, long? width = null) =>
        new(height, width, config.Data.ValAugmentation.Mean, config.Data.ValAugmentation.Std,
            Enumerable.Range(0, config.Net.NumClasses).Select(k => $"class {k}").ToArray());

    public static string TempModel() => Path.Combine(Path.GetTempPath(), $"semiseg-export-{Guid.NewGuid():N}.onnx");

    /// <summary>Our libtorch eval forward as the evaluation uses it: the decoder's logits upsampled to the input (align_corners).</summary>
    public static float[] TorchLogits(SegmentationModel model, float[] input, int batch, int height, int width)
    {
        using var scope = T.NewDisposeScope();
        using var noGrad = T.NoGrad();
        var images = Tensor.From<float>(input, new long[] { batch, 3, height, width });
        using var output = model.Forward(images);
        return F.Interpolate(output.Prediction, height, width, InterpolationMode.Bilinear, alignCorners: true).Contiguous().ToArray<float>();
    }

    /// <summary>
    /// The same forward in float64 (<paramref name="model"/> converted for it and back; the float32 input widened
    /// exactly): a reference far more exact than any float32 forward, libtorch's or ONNX Runtime's.
    /// </summary>
    public static double[] ExactLogits(SegmentationModel model, float[] input, int batch, int height, int width)
    {
        using var scope = T.NewDisposeScope();
        using var noGrad = T.NoGrad();
        var images = Tensor.From<float>(input, new long[] { batch, 3, height, width }).To(ScalarType.Float64);
        model.To(ScalarType.Float64);
        try
        {
            using var output = model.Forward(images);
            // The model hands its logits over in float32 (its AMP contract): a rounding of 6e-8 of each, far below what is measured.
            return F.Interpolate(output.Prediction.To(ScalarType.Float64), height, width, InterpolationMode.Bilinear, alignCorners: true)
                .Contiguous().ToArray<double>();
        }
        finally
        {
            model.To(ScalarType.Float32);
        }
    }

    public static float[] RandomInput(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
    }

    public static double MaxAbs(float[] a) => a.Max(x => Math.Abs((double)x));

    /// <summary>ONNX Runtime's logits and ours on a random normalised batch; returns the max absolute difference and the logits' scale.</summary>
    public static (double Difference, double Scale) Compare(OnnxSegmenter onnx, SegmentationModel model, int batch, int height, int width, int seed)
    {
        var input = RandomInput(batch * 3 * height * width, seed);
        var expected = TorchLogits(model, input, batch, height, width);
        var actual = onnx.Logits(input, batch, height, width);
        return (MaxAbsDifference(actual, expected), MaxAbs(expected));
    }
}
