using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>sum, mean, max, min and argmax over all elements and along dims against PyTorch (Fixtures/ops/math.json).</summary>
public class ReductionTests
{
    private static readonly OpFixture Math_ = OpFixture.Load("math");

    [Fact]
    public void SumAndMeanMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var r = Math_.Tensor("r"); // (2, 3, 4)
        TensorAssert.Close(Math_, "r.sum", r.Sum(), atol: 1e-6);
        TensorAssert.Close(Math_, "r.sum.dim1", r.Sum(1), atol: 1e-6);
        TensorAssert.Close(Math_, "r.sum.dims12_keep", r.Sum(new long[] { 1, 2 }, keepDim: true), atol: 1e-6);
        TensorAssert.Close(Math_, "r.mean", r.Mean(), atol: 1e-6);
        TensorAssert.Close(Math_, "r.mean.dim-1", r.Mean(-1), atol: 1e-6);
        TensorAssert.Close(Math_, "r.mean.dims02", r.Mean(new long[] { 0, 2 }), atol: 1e-6);
        // integer sums stay integers; a dtype widens them
        var ints = Tensor.From(new long[] { 1, 2, 3 });
        Assert.Equal(ScalarType.Int64, ints.Sum().Dtype);
        Assert.Equal(6L, ints.Sum().ItemInt());
        Assert.Equal(ScalarType.Float64, ints.Sum(ScalarType.Float64).Dtype);
    }

    [Fact]
    public void MaxMinAndArgmaxMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var r = Math_.Tensor("r");
        TensorAssert.Equal(Math_, "r.max", r.Max());
        var (values, indices) = r.Max(1);
        TensorAssert.Equal(Math_, "r.max.dim1.values", values);
        TensorAssert.Equal(Math_, "r.max.dim1.indices", indices);
        (values, indices) = r.Min(2, keepDim: true);
        TensorAssert.Equal(Math_, "r.min.dim2_keep.values", values);
        TensorAssert.Equal(Math_, "r.min.dim2_keep.indices", indices);
        TensorAssert.Equal(Math_, "r.argmax", r.Argmax());
        TensorAssert.Equal(Math_, "r.argmax.dim0", r.Argmax(0));
        TensorAssert.Equal(Math_, "r.argmax.dim2_keep", r.Argmax(2, keepDim: true));
        Assert.Equal(r.Max().Item(), r.Flatten()[r.Argmax().Unsqueeze(0)].Item());
    }

    [Fact]
    public void ReductionsByHand()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1, 5, 2, 8, 3, 0 }, 2, 3);
        // the literal 0 is a dim here, not a dtype (see Tensor.Sum(int, bool))
        Assert.Equal(new double[] { 9, 8, 2 }, x.Sum(0).ToArray<double>());
        Assert.Equal(new double[] { 9, 8, 2 }, x.Sum(0L).ToArray<double>());
        Assert.Equal(new double[] { 8.0 / 3, 11.0 / 3 }, x.Mean(1).ToArray<double>());
        Assert.Equal(new long[] { 1, 0 }, x.Argmax(1).ToArray<long>());
        Assert.Equal(new long[] { 0, 2 }, x.Argmin(1).ToArray<long>());
        Assert.Equal(new double[] { 1, 6, 8, 16, 19, 19 }, x.Flatten().Cumsum(0).ToArray<double>());
        Assert.Equal(new double[] { 5, 8 }, x.Max(1).Values.ToArray<double>());
    }
}
