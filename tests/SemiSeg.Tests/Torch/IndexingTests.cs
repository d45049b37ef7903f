using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>gather, scatter, masks, index tensors and where against PyTorch (Fixtures/ops/indexing.json).</summary>
public class IndexingTests
{
    private static readonly OpFixture Indexing = OpFixture.Load("indexing");

    [Fact]
    public void GatherMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        TensorAssert.Equal(Indexing, "gather.dim1", Indexing.Tensor("x").Gather(1, Indexing.Tensor("gather.index")));
    }

    [Fact]
    public void ScatterOverloadsMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Indexing.Tensor("x");
        var baseline = Indexing.Tensor("scatter.base");
        var index = Indexing.Tensor("scatter.index");
        var source = Indexing.Tensor("scatter.src");
        TensorAssert.Equal(Indexing, "scatter.src.dim1", baseline.Scatter(1, index, source));
        TensorAssert.Equal(Indexing, "scatter.value.dim1", baseline.Scatter(1, index, 2.5));
        Assert.Equal(0.0, baseline.Abs().Sum().Item()); // the out-of-place forms leave self alone

        var duplicates = Indexing.Tensor("scatter_add.index");
        TensorAssert.Close(Indexing, "scatter_add.dim1", x.ScatterAdd(1, duplicates, source), atol: 1e-6);
        TensorAssert.Equal(Indexing, "scatter_reduce.amax", x.ScatterReduce(1, duplicates, source, "amax", includeSelf: false));
        TensorAssert.Close(Indexing, "scatter_reduce.mean", x.ScatterReduce(1, duplicates, source, "mean"), atol: 1e-6);
    }

    [Fact]
    public void ScatterInPlaceWritesIntoSelf()
    {
        using var scope = Torch.NewDisposeScope();
        var target = Indexing.Tensor("scatter.base");
        var returned = target.ScatterInPlace(1, Indexing.Tensor("scatter.index"), Indexing.Tensor("scatter.src"));
        Assert.Same(target, returned);
        TensorAssert.Equal(Indexing, "scatter.src.dim1", target);
        var filled = Indexing.Tensor("scatter.base").ScatterInPlace(1, Indexing.Tensor("scatter.index"), 2.5);
        TensorAssert.Equal(Indexing, "scatter.value.dim1", filled);
    }

    [Fact]
    public void MaskedSelectIndexSelectNonzeroWhereAndMaskedFillMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Indexing.Tensor("x");
        var mask = Indexing.Tensor("mask");
        TensorAssert.Equal(Indexing, "mask", x.Gt(0.2));
        TensorAssert.Equal(Indexing, "masked_select", x.MaskedSelect(mask));
        TensorAssert.Equal(Indexing, "masked_select", x[mask]);
        TensorAssert.Equal(Indexing, "index_select.dim1", x.IndexSelect(1, Tensor.From(new long[] { 4, 0, 0, 2 })));
        TensorAssert.Equal(Indexing, "index_select.dim0", x.IndexSelect(0, Tensor.From(new long[] { 2, 1 })));
        TensorAssert.Equal(Indexing, "nonzero", mask.Nonzero());
        TensorAssert.Equal(Indexing, "where", Torch.Where(mask, x, -x * 2));
        TensorAssert.Equal(Indexing, "where.scalar_other", Torch.Where(mask, x, -1.0));
        TensorAssert.Equal(Indexing, "masked_fill", x.MaskedFill(mask, 9.0));
        TensorAssert.Equal(Indexing, "masked_fill", x.Clone().MaskedFillInPlace(mask, 9.0));
    }

    [Fact]
    public void WhereWithScalarsByHand()
    {
        using var scope = Torch.NewDisposeScope();
        var condition = Tensor.From(new[] { true, false, true });
        var y = Tensor.From(new float[] { 5, 6, 7 });
        Assert.Equal(new float[] { 1, 6, 1 }, Torch.Where(condition, 1.0, y).ToArray<float>());
        var both = Torch.Where(condition, 1.0, 0.0);
        Assert.Equal(ScalarType.Float32, both.Dtype); // two float scalars give the default dtype, as torch.where
        Assert.Equal(new float[] { 1, 0, 1 }, both.ToArray<float>());
        // a float scalar with an integer tensor promotes to float32
        Assert.Equal(new float[] { 2.5f, 8, 2.5f }, Torch.Where(condition, 2.5, Tensor.From(new long[] { 7, 8, 9 })).ToArray<float>());
    }

    [Fact]
    public void IndexingWithIndexTensorsAndMasksMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Indexing.Tensor("t"); // (2, 3, 4)
        var rows = Indexing.Tensor("rows");
        var cols = Indexing.Tensor("cols");
        TensorAssert.Equal(Indexing, "t[rows]", t[rows]);
        TensorAssert.Equal(Indexing, "t[rows,cols]", t.Index(rows, cols));
        TensorAssert.Equal(Indexing, "t[:,cols]", t.Index(null, cols));
        TensorAssert.Equal(Indexing, "t[:,mask2]", t.Index(null, Indexing.Tensor("mask2")));
        TensorAssert.Equal(Indexing, "t[mask3]", t[t.Gt(0.5)]);
    }

    [Fact]
    public void IndexPutOverwritesOrAccumulatesAsPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var put = Indexing.Tensor("t");
        put.IndexPutInPlace(new[] { Indexing.Tensor("rows"), Indexing.Tensor("cols") }, Tensor.From(new float[] { 10, 20, 30, 40 }));
        TensorAssert.Equal(Indexing, "index_put", put);
        var accumulated = Indexing.Tensor("t");
        accumulated.IndexPutInPlace(new[] { Indexing.Tensor("dup_rows"), Indexing.Tensor("cols") },
                                    Tensor.From(new float[] { 1, 2, 3 }, 3, 1), accumulate: true);
        TensorAssert.Close(Indexing, "index_put.accumulate", accumulated, atol: 1e-6);
    }
}
