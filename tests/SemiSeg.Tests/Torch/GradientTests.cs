using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>Backward passes of the network ops checked against central differences in float64.</summary>
public class GradientTests
{
    private static Tensor Values(int seed, params long[] shape)
    {
        using var g = new Generator((ulong)seed);
        return Torch.Randn(shape, g, ScalarType.Float64);
    }

    [Fact]
    public void TheCheckRejectsAWrongGradient()
    {
        using var scope = Torch.NewDisposeScope();
        // x.Detach() * x hides one factor from autograd: backward gives x, the true derivative is 2x
        var error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GradCheck.Check(t => t[0].Detach() * t[0], new[] { Values(18, 3) }));
        Assert.Contains("central difference", error.Message);
    }

    [Fact]
    public void Conv2dWithStridePaddingDilationAndGroups()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Values(1, 1, 4, 5, 5);
        var w = Values(2, 4, 2, 3, 3);   // two groups of two input channels
        var b = Values(3, 4);
        GradCheck.Check(t => F.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1, groups: 2), new[] { x, w, b });
        GradCheck.Check(t => F.Conv2d(t[0], t[1], null, padding: 2, dilation: 2), new[] { Values(4, 1, 2, 5, 4), Values(5, 3, 2, 3, 3) });
    }

    [Fact]
    public void BatchNormInTrainingMode()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Values(6, 3, 2, 2, 3);
        var weight = Values(7, 2);
        var bias = Values(8, 2);
        // the batch statistics depend on every input, so each gradient mixes the whole channel
        GradCheck.Check(t => F.BatchNorm(t[0], null, null, t[1], t[2], training: true), new[] { x, weight, bias });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BilinearInterpolation(bool alignCorners)
    {
        using var scope = Torch.NewDisposeScope();
        var x = Values(9, 1, 2, 3, 4);
        GradCheck.Check(t => F.Interpolate(t[0], 5, 7, InterpolationMode.Bilinear, alignCorners), new[] { x });
        GradCheck.Check(t => F.Interpolate(t[0], 2, 3, InterpolationMode.Bilinear, alignCorners), new[] { x });
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void CrossEntropyWithIgnoreIndexGivesIgnoredPixelsNoGradient(Reduction reduction)
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Values(10, 2, 3, 2, 2);
        var target = Tensor.From(new long[] { 0, 255, 2, 1, 255, 1, 0, 2 }, 2, 2, 2);
        var weight = Tensor.From(new double[] { 0.5, 2, 1 });
        var grads = GradCheck.Check(t => F.CrossEntropy(t[0], target, weight, 255, reduction), new[] { logits });
        // pixel (n, h, w) of class c sits at ((n * 3 + c) * 2 + h) * 2 + w; ignored: (0, 0, 1) and (1, 0, 0)
        foreach (var (n, h, w) in new[] { (0, 0, 1), (1, 0, 0) })
            for (var c = 0; c < 3; c++)
                Assert.Equal(0.0, grads[0][((n * 3 + c) * 2 + h) * 2 + w]);
        Assert.Contains(grads[0], g => g != 0);
    }

    [Fact]
    public void CosineSimilarityAndNormalize()
    {
        using var scope = Torch.NewDisposeScope();
        GradCheck.Check(t => F.CosineSimilarity(t[0], t[1], 1), new[] { Values(11, 3, 4, 2), Values(12, 3, 4, 2) });
        GradCheck.Check(t => F.Normalize(t[0], dim: 1), new[] { Values(13, 3, 4) });
    }

    [Fact]
    public void SoftmaxEntropyAndPooling()
    {
        using var scope = Torch.NewDisposeScope();
        GradCheck.Check(t => F.Entropy(F.Softmax(t[0], 1), 1), new[] { Values(14, 2, 3, 2) });
        GradCheck.Check(t => F.LogSoftmax(t[0], -1), new[] { Values(15, 2, 5) });
        GradCheck.Check(t => F.AdaptiveAvgPool2d(t[0], 2, 3), new[] { Values(16, 1, 2, 5, 7) });
        GradCheck.Check(t => F.MaxPool2d(t[0], 2), new[] { Values(17, 1, 1, 4, 4) });
    }
}
