using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>Softmax, cross-entropy (ignore index, class weights, reductions) and entropy against PyTorch (Fixtures/ops/losses.json, nn.json).</summary>
public class LossTests
{
    private const long IgnoreIndex = 255;
    private static readonly OpFixture Losses = OpFixture.Load("losses");
    private static readonly OpFixture Nn = OpFixture.Load("nn");

    [Fact]
    public void SoftmaxAndLogSoftmaxMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("softmax.input"); // (2, 4, 3)
        TensorAssert.Close(Nn, "softmax.dim1", F.Softmax(x, 1), atol: 1e-6);
        TensorAssert.Close(Nn, "softmax.dimlast", F.Softmax(x, -1), atol: 1e-6);
        TensorAssert.Close(Nn, "log_softmax.dim1", F.LogSoftmax(x, 1), atol: 1e-5);
        TensorAssert.Close(Nn, "log_softmax.dimlast", F.LogSoftmax(x, -1), atol: 1e-5);
        // probabilities sum to one along the softmax dim
        TensorAssert.Close(Enumerable.Repeat(1.0, 6).ToArray(), F.Softmax(x, 1).Sum(1), atol: 1e-6);
    }

    [Theory]
    [InlineData(Reduction.None, "none")]
    [InlineData(Reduction.Mean, "mean")]
    [InlineData(Reduction.Sum, "sum")]
    public void CrossEntropyWithIgnoreIndexMatchesPyTorch(Reduction reduction, string tag)
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Losses.Tensor("ce.logits"); // (2, 4, 3, 3)
        var target = Losses.Tensor("ce.target"); // (2, 3, 3) with three pixels at 255
        var weight = Losses.Tensor("ce.weight");
        TensorAssert.Close(Losses, $"ce.ignore255.{tag}", F.CrossEntropy(logits, target, ignoreIndex: IgnoreIndex, reduction: reduction), atol: 1e-5);
        TensorAssert.Close(Losses, $"ce.ignore255.weight.{tag}",
            F.CrossEntropy(logits, target, weight, ignoreIndex: IgnoreIndex, reduction: reduction), atol: 1e-5);
    }

    [Fact]
    public void CrossEntropyReductionsAgreeWithThePerPixelLoss()
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Losses.Tensor("ce.logits");
        var target = Losses.Tensor("ce.target");
        var labels = target.ToArray<long>();
        var classWeight = Losses.Values("ce.weight");
        var perPixel = F.CrossEntropy(logits, target, ignoreIndex: IgnoreIndex, reduction: Reduction.None).ToArray<float>();
        // -log softmax at the target class; ignored pixels contribute 0
        var logProb = F.LogSoftmax(logits, 1).Permute(0, 2, 3, 1).Reshape(-1, 4).ToArray<float>();
        double sum = 0, weighted = 0, weightSum = 0;
        var counted = 0;
        for (var k = 0; k < labels.Length; k++)
        {
            if (labels[k] == IgnoreIndex) { Assert.Equal(0f, perPixel[k]); continue; }
            Assert.Equal(-logProb[k * 4 + labels[k]], perPixel[k], 5);
            sum += perPixel[k];
            weighted += classWeight[labels[k]] * perPixel[k];
            weightSum += classWeight[labels[k]];
            counted++;
        }
        Assert.Equal(15, counted);
        Assert.Equal(sum / counted, F.CrossEntropy(logits, target, ignoreIndex: IgnoreIndex).Item(), 5);
        Assert.Equal(weighted / weightSum, F.CrossEntropy(logits, target, Losses.Tensor("ce.weight"), IgnoreIndex).Item(), 5);
    }

    [Fact]
    public void CrossEntropyDefaultsLabelSmoothingAndClassLogitsMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Losses.Tensor("ce.logits");
        TensorAssert.Close(Losses, "ce.default.mean", F.CrossEntropy(logits, Losses.Tensor("ce.clean_target")), atol: 1e-5);
        TensorAssert.Close(Losses, "ce.ignore255.smooth0_1",
            F.CrossEntropy(logits, Losses.Tensor("ce.target"), ignoreIndex: IgnoreIndex, labelSmoothing: 0.1), atol: 1e-5);
        // (N, C) logits with PyTorch's default ignore index -100
        var flat = Losses.Tensor("ce2d.logits");
        var labels = Losses.Tensor("ce2d.target");
        TensorAssert.Close(Losses, "ce2d.mean", F.CrossEntropy(flat, labels), atol: 1e-5);
        TensorAssert.Close(Losses, "ce2d.none", F.CrossEntropy(flat, labels, reduction: Reduction.None), atol: 1e-5);
    }

    [Fact]
    public void CrossEntropyWithALabelOutOfRangeRaisesLibtorchsError()
    {
        using var scope = Torch.NewDisposeScope();
        var target = Losses.Tensor("ce.target"); // 255 is not ignored by default
        var error = Assert.Throws<TorchException>(() => F.CrossEntropy(Losses.Tensor("ce.logits"), target));
        Assert.Contains("out of bounds", error.Message);
    }

    [Fact]
    public void EntropyMatchesPyTorchAndKnownValues()
    {
        using var scope = Torch.NewDisposeScope();
        var prob = Losses.Tensor("entropy.prob"); // (2, 4, 3, 3); pixel (0, 1, 1) is one-hot
        var entropy = F.Entropy(prob, 1);
        TensorAssert.Close(Losses, "entropy.dim1", entropy, atol: 1e-6);
        Assert.Equal(0f, entropy[Tensor.From(new long[] { 0 })].ToArray<float>()[4]);
        // uniform over 4 classes: log 4; keepDim leaves a size-1 class dim
        var uniform = Torch.Full(new long[] { 1, 4, 2, 2 }, 0.25, ScalarType.Float64);
        var h = F.Entropy(uniform, 1, keepDim: true);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, h.Shape);
        TensorAssert.Close(Enumerable.Repeat(Math.Log(4), 4).ToArray(), h, atol: 1e-9);
    }
}
