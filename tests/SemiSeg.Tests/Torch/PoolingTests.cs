using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>relu, max_pool2d and adaptive_avg_pool2d against PyTorch (Fixtures/ops/nn.json).</summary>
public class PoolingTests
{
    private static readonly OpFixture Nn = OpFixture.Load("nn");

    [Fact]
    public void ReluZeroesNegativesExactly()
    {
        using var scope = Torch.NewDisposeScope();
        TensorAssert.Equal(Nn, "relu", F.Relu(Nn.Tensor("relu.input")));
    }

    [Theory]
    [InlineData("maxpool.k2", 2, null, 0, 1, false)]
    [InlineData("maxpool.k3_s2_p1", 3, 2L, 1, 1, false)]
    [InlineData("maxpool.k2_ceil", 2, null, 0, 1, true)]
    [InlineData("maxpool.k2_s1_d2", 2, 1L, 0, 2, false)]
    public void MaxPool2dMatchesPyTorchExactly(string expected, long kernel, long? stride, long padding, long dilation, bool ceilMode)
    {
        using var scope = Torch.NewDisposeScope();
        var y = F.MaxPool2d(Nn.Tensor("pool.input"), kernel, stride, padding, dilation, ceilMode);
        TensorAssert.Equal(Nn, expected, y);
    }

    [Fact]
    public void MaxPool2dIndicesPointAtTheMaxima()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("pool.input"); // (1, 2, 5, 6)
        var (values, indices) = F.MaxPool2dWithIndices(x, 3, 2, 1);
        TensorAssert.Equal(Nn, "maxpool.k3_s2_p1", values);
        Assert.Equal(ScalarType.Int64, indices.Dtype);
        // indices are flat positions in each (H, W) plane
        var picked = x.Flatten(2).Gather(2, indices.Flatten(2)).Reshape(values.Shape);
        Assert.Equal(values.ToArray<float>(), picked.ToArray<float>());
    }

    [Theory]
    [InlineData("adaptive.3x2", 3, 2)]
    [InlineData("adaptive.1x1", 1, 1)]
    [InlineData("adaptive.4x5", 4, 5)]
    public void AdaptiveAvgPool2dMatchesPyTorch(string expected, long height, long width)
    {
        using var scope = Torch.NewDisposeScope();
        var y = F.AdaptiveAvgPool2d(Nn.Tensor("adaptive.input"), height, width);
        TensorAssert.Close(Nn, expected, y, atol: 1e-6, rtol: 1e-6);
    }

    [Fact]
    public void AdaptiveAvgPoolToOnePixelIsTheSpatialMean()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("adaptive.input");
        var y = F.AdaptiveAvgPool2d(x, 1, 1);
        TensorAssert.Close(TensorAssert.Values(x.Mean(new long[] { 2, 3 })), y, atol: 1e-6);
        // non-divisible 5 -> 3 bins: rows [0, 2), [1, 4), [3, 5) (start floor(i*5/3), end ceil((i+1)*5/3))
        var bins = F.AdaptiveAvgPool2d(x, 3, 1).Select(3, 0).Select(0, 0); // (C=2, 3)
        var rowMeans = x.Mean(3).Select(0, 0); // (C, 5)
        var expected = new List<double>();
        foreach (var c in new[] { 0, 1 })
        {
            var r = TensorAssert.Values(rowMeans.Select(0, c));
            expected.Add((r[0] + r[1]) / 2);
            expected.Add((r[1] + r[2] + r[3]) / 3);
            expected.Add((r[3] + r[4]) / 2);
        }
        TensorAssert.Close(expected.ToArray(), bins, atol: 1e-6);
    }
}
