using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>sort, argsort, topk, kthvalue and quantile against PyTorch (Fixtures/ops/sorting.json).</summary>
public class SortingTests
{
    private static readonly OpFixture Sorting = OpFixture.Load("sorting");

    [Fact]
    public void SortAndArgsortMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Sorting.Tensor("x"); // (3, 6), distinct values
        var (values, indices) = x.Sort();
        TensorAssert.Equal(Sorting, "sort.last.values", values);
        TensorAssert.Equal(Sorting, "sort.last.indices", indices);
        (values, indices) = x.Sort(0, descending: true);
        TensorAssert.Equal(Sorting, "sort.dim0_desc.values", values);
        TensorAssert.Equal(Sorting, "sort.dim0_desc.indices", indices);
        TensorAssert.Equal(Sorting, "argsort.last_desc", x.Argsort(descending: true));
        // the indices reproduce the values
        Assert.Equal(values.ToArray<float>(), x.Gather(0, indices).ToArray<float>());
    }

    [Fact]
    public void TopkMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Sorting.Tensor("x");
        var (values, indices) = x.Topk(3);
        TensorAssert.Equal(Sorting, "topk.3.values", values);
        TensorAssert.Equal(Sorting, "topk.3.indices", indices);
        (values, indices) = x.Topk(2, 0, largest: false);
        TensorAssert.Equal(Sorting, "topk.2_dim0_smallest.values", values);
        TensorAssert.Equal(Sorting, "topk.2_dim0_smallest.indices", indices);
    }

    [Fact]
    public void KthvalueMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Sorting.Tensor("x");
        var (values, indices) = x.Kthvalue(2);
        TensorAssert.Equal(Sorting, "kthvalue.2.values", values);
        TensorAssert.Equal(Sorting, "kthvalue.2.indices", indices);
        (values, indices) = x.Kthvalue(3, 0, keepDim: true);
        TensorAssert.Equal(Sorting, "kthvalue.3_dim0_keep.values", values);
        TensorAssert.Equal(Sorting, "kthvalue.3_dim0_keep.indices", indices);
        // k-th smallest = column k-1 of the ascending sort
        Assert.Equal(x.Sort().Values.Select(1, 1).ToArray<float>(), x.Kthvalue(2).Values.ToArray<float>());
    }

    [Fact]
    public void QuantileMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Sorting.Tensor("x");
        TensorAssert.Close(Sorting, "quantile.0_25.all", x.Quantile(0.25), atol: 1e-6);
        TensorAssert.Close(Sorting, "quantile.0_8.dim1", x.Quantile(0.8, 1), atol: 1e-6);
        TensorAssert.Close(Sorting, "quantile.0_3.dim0_keep", x.Quantile(0.3, 0, keepDim: true), atol: 1e-6);
        foreach (var mode in new[] { "lower", "higher", "nearest", "midpoint" })
            TensorAssert.Close(Sorting, $"quantile.0_45.dim1.{mode}", x.Quantile(0.45, 1, interpolation: mode), atol: 1e-6);
    }

    [Fact]
    public void QuantileInterpolatesLinearlyBetweenOrderStatistics()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 40, 10, 30, 20, 50 });
        // position q (n - 1): 0.3 * 4 = 1.2, between the sorted values 20 and 30
        Assert.Equal(22.0, x.Quantile(0.3).Item(), 12);
        Assert.Equal(50.0, x.Quantile(1.0).Item(), 12);
        Assert.Throws<TorchException>(() => x.Quantile(1.5));
    }
}
