using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>conv2d and batch_norm against PyTorch (Fixtures/ops/nn.json) and hand-computed values.</summary>
public class ConvolutionTests
{
    private static readonly OpFixture Nn = OpFixture.Load("nn");

    [Theory]
    [InlineData("conv.basic", 1, 0, 1)]
    [InlineData("conv.stride2_pad1", 2, 1, 1)]
    [InlineData("conv.dilation2_pad2", 1, 2, 2)]
    public void Conv2dMatchesPyTorch(string expected, long stride, long padding, long dilation)
    {
        using var scope = Torch.NewDisposeScope();
        var y = F.Conv2d(Nn.Tensor("conv.input"), Nn.Tensor("conv.weight"), Nn.Tensor("conv.bias"), stride, padding, dilation);
        TensorAssert.Close(Nn, expected, y, atol: 1e-5, rtol: 1e-5);
    }

    [Fact]
    public void Conv2dWithGroupsMatchesPyTorchAndTwoSeparateConvolutions()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("conv.input");     // (2, 4, 6, 7)
        var w = Nn.Tensor("conv.groups.weight"); // (6, 2, 3, 3): 3 filters per group of 2 channels
        var y = F.Conv2d(x, w, null, padding: 1, groups: 2);
        TensorAssert.Close(Nn, "conv.groups2_pad1", y, atol: 1e-5, rtol: 1e-5);

        var first = F.Conv2d(x.Narrow(1, 0, 2), w.Narrow(0, 0, 3), padding: 1);
        var second = F.Conv2d(x.Narrow(1, 2, 2), w.Narrow(0, 3, 3), padding: 1);
        TensorAssert.Close(TensorAssert.Values(Torch.Cat(new[] { first, second }, 1)), y, atol: 1e-6, rtol: 1e-6);
    }

    [Fact]
    public void Conv2dWithPerAxisStridePaddingDilationMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var y = F.Conv2d(Nn.Tensor("conv.input"), Nn.Tensor("conv.weight"), Nn.Tensor("conv.bias"),
                         stride: new long[] { 2, 1 }, padding: new long[] { 1, 0 }, dilation: new long[] { 1, 2 });
        TensorAssert.Close(Nn, "conv.asymmetric", y, atol: 1e-5, rtol: 1e-5);
    }

    [Fact]
    public void Conv2dOfOnesCountsTheKernelTapsInsideTheImage()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones(new long[] { 1, 1, 4, 4 }, ScalarType.Float64);
        var w = Torch.Ones(new long[] { 1, 1, 3, 3 }, ScalarType.Float64);
        var y = F.Conv2d(x, w, Tensor.From(new double[] { 0.5 }), padding: 1);
        // zero padding: corners see 4 taps, edges 6, the interior 9; plus the bias
        Assert.Equal(new double[] { 4.5, 6.5, 6.5, 4.5, 6.5, 9.5, 9.5, 6.5, 6.5, 9.5, 9.5, 6.5, 4.5, 6.5, 6.5, 4.5 }, y.ToArray<double>());
    }

    [Theory]
    [InlineData(9, 3, 1, 0, 1, 7)]
    [InlineData(9, 3, 2, 1, 1, 5)]
    [InlineData(9, 3, 1, 2, 2, 9)]
    [InlineData(10, 3, 3, 0, 1, 3)]
    public void Conv2dOutputSizeFollowsTheFormula(long size, long kernel, long stride, long padding, long dilation, long expected)
    {
        using var scope = Torch.NewDisposeScope();
        var y = F.Conv2d(Torch.Zeros(new long[] { 1, 2, size, size }), Torch.Zeros(new long[] { 3, 2, kernel, kernel }), null, stride, padding, dilation);
        // floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1
        Assert.Equal(new long[] { 1, 3, expected, expected }, y.Shape);
    }

    [Fact]
    public void BatchNormInTrainingUsesBatchStatisticsAndUpdatesRunningOnes()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("bn.input");
        var mean = Nn.Tensor("bn.running_mean0");
        var variance = Nn.Tensor("bn.running_var0");
        var y = F.BatchNorm(x, mean, variance, Nn.Tensor("bn.weight"), Nn.Tensor("bn.bias"), training: true, momentum: 0.1, eps: 1e-5);
        TensorAssert.Close(Nn, "bn.train", y, atol: 1e-5, rtol: 1e-5);
        TensorAssert.Close(Nn, "bn.train.running_mean", mean, atol: 1e-6, rtol: 1e-6);
        TensorAssert.Close(Nn, "bn.train.running_var", variance, atol: 1e-6, rtol: 1e-6);

        // Per channel the output has mean = bias and (biased) variance = weight^2, up to eps.
        var channelMean = y.Mean(new long[] { 0, 2, 3 });
        TensorAssert.Close(Nn.Values("bn.bias"), channelMean, atol: 1e-5);
        var centred = y - channelMean.Reshape(1, 3, 1, 1);
        var channelVar = (centred * centred).Mean(new long[] { 0, 2, 3 });
        TensorAssert.Close(Nn.Values("bn.weight").Select(w => w * w).ToArray(), channelVar, atol: 1e-3, rtol: 1e-3);
    }

    [Fact]
    public void BatchNormInEvalUsesRunningStatisticsAndLeavesThemAlone()
    {
        using var scope = Torch.NewDisposeScope();
        var mean = Nn.Tensor("bn.running_mean0");
        var variance = Nn.Tensor("bn.running_var0");
        var y = F.BatchNorm(Nn.Tensor("bn.input"), mean, variance, Nn.Tensor("bn.weight"), Nn.Tensor("bn.bias"), training: false);
        TensorAssert.Close(Nn, "bn.eval", y, atol: 1e-5, rtol: 1e-5);
        TensorAssert.Equal(Nn, "bn.running_mean0", mean);
        TensorAssert.Equal(Nn, "bn.running_var0", variance);
    }
}
