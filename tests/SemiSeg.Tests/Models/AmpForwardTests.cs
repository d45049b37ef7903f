using SemiSeg.Models;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Models;

/// <summary>
/// SegmentationModel.Amp: a bf16 forward and backward of a narrow ResNet-18 DeepLabv3+ with the aux
/// head (eval mode, default initialisation) agrees with the float32 one, its outputs come back in
/// float32 and the weights and gradients stay float32. Stated tolerances, relative L2 error: 5% for
/// each output, 40% for all gradients taken together (measured: 0.6%, 1.1% and 2.4% on the outputs,
/// 22% on the gradients; bf16 keeps 8 bits of mantissa, and a narrow random network's gradients, sums
/// of many cancelling terms, lose most; PyTorch's own autocast shows the same, see AmpParityTests),
/// and the gradients' cosine similarity at least 0.9. Every error must be above 1e-4: the forward did
/// run in bf16. Train mode, where batch statistics of 2 images amplify rounding, is checked against
/// PyTorch's bf16 instead (AmpParityTests).
/// </summary>
public class AmpForwardTests
{
    private const double OutputTolerance = 0.05;
    private const double GradientTolerance = 0.4;

    private static NetConfig Net() => new()
    {
        NumClasses = 5,
        SyncBn = false,
        AuxLoss = new AuxLossConfig { AuxPlane = 32, HiddenPlanes = 16 },
        Encoder = new EncoderConfig
        {
            Type = "resnet18", Width = 8, DeepStem = false, ReplaceStrideWithDilation = new[] { false, true, true },
            MultiGrid = false, ZeroInitResidual = false,
        },
        Decoder = new DecoderConfig { InnerPlanes = 16, HeadPlanes = 16, RepPlanes = 16, Dropout = 0 },
    };

    /// <summary>Outputs and the gradients of every parameter, flattened, for a fixed projection loss.</summary>
    private static (double[] Prediction, double[] Representation, double[] Auxiliary, double[] Gradients) Run(SegmentationModel model, AmpMode amp)
    {
        using var scope = T.NewDisposeScope();
        model.Amp = amp;
        model.ZeroGrad();
        var images = T.Randn(new long[] { 2, 3, 33, 33 }, new Generator(11));
        using var output = model.Forward(images);
        Assert.Equal(ScalarType.Float32, output.Prediction.Dtype);
        Assert.Equal(ScalarType.Float32, output.Representation!.Dtype);
        Assert.Equal(ScalarType.Float32, output.Auxiliary!.Dtype);
        var generator = new Generator(12);
        var loss = (output.Prediction * T.Randn(output.Prediction.Shape, generator)).Mean()
                 + (output.Representation * T.Randn(output.Representation.Shape, generator)).Mean()
                 + (output.Auxiliary * T.Randn(output.Auxiliary.Shape, generator)).Mean();
        Assert.Equal(ScalarType.Float32, loss.Dtype);
        loss.Backward();
        foreach (var p in model.Parameters())
        {
            Assert.Equal(ScalarType.Float32, p.Dtype);
            Assert.Equal(ScalarType.Float32, p.Grad!.Dtype);
        }
        var gradients = model.Parameters().SelectMany(p => p.Grad!.Flatten().To(ScalarType.Float64).ToArray<double>()).ToArray();
        return (Values(output.Prediction), Values(output.Representation), Values(output.Auxiliary), gradients);
    }

    private static double[] Values(Tensor t) => t.Detach().Flatten().To(ScalarType.Float64).ToArray<double>();

    private static double RelativeError(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double difference = 0, norm = 0;
        for (var k = 0; k < expected.Length; k++)
        {
            difference += (actual[k] - expected[k]) * (actual[k] - expected[k]);
            norm += expected[k] * expected[k];
        }
        return Math.Sqrt(difference / norm);
    }

    private static double Cosine(double[] a, double[] b) =>
        a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));

    [Fact]
    public void BFloat16ForwardAndBackwardAgreeWithFloat32()
    {
        using var model = ModelBuilder.Build(Net(), new Generator(5));
        model.Eval();
        var fp32 = Run(model, AmpMode.Off);
        var bf16 = Run(model, AmpMode.BFloat16);
        foreach (var (name, error, tolerance) in new[]
        {
            ("prediction", RelativeError(bf16.Prediction, fp32.Prediction), OutputTolerance),
            ("representation", RelativeError(bf16.Representation, fp32.Representation), OutputTolerance),
            ("aux", RelativeError(bf16.Auxiliary, fp32.Auxiliary), OutputTolerance),
            ("gradients", RelativeError(bf16.Gradients, fp32.Gradients), GradientTolerance),
        })
            Assert.True(error > 1e-4 && error <= tolerance, $"{name}: relative L2 error {error:G3} outside (1e-4, {tolerance}]");
        var cosine = Cosine(bf16.Gradients, fp32.Gradients);
        Assert.True(cosine >= 0.9, $"gradients: cosine similarity {cosine:F4} below 0.9");
        Assert.False(T.IsAutocastEnabled(DeviceType.CPU));
    }

    [Fact]
    public void OffIsBitForBitTheFloat32Forward()
    {
        using var model = ModelBuilder.Build(Net(), new Generator(5));
        model.Train();
        var first = Run(model, AmpMode.Off);
        var second = Run(model, AmpMode.Off);
        Assert.Equal(first.Prediction, second.Prediction);
        Assert.Equal(first.Gradients, second.Gradients);
    }
}
