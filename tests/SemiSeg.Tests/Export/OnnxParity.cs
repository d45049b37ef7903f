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
    /// The config's network in eval mode with random weights, and random batch-norm scales, shifts and
    /// running statistics: freshly initialised norms are near the identity (and zero-init residual
    /// norms switch whole branches off), which would leave parts of the graph untested.
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
            norm.RunningMean.CopyInPlace(T.Randn(shape, generator) * 0.1);
            norm.RunningVar.CopyInPlace(T.Rand(shape, generator) * 0.5 + 0.75);
        }
        model.Eval();
        return model;
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
