using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>cat, stack, split, permute, reshape and views (storage shared with the base tensor).</summary>
public class ShapeTests
{
    private static readonly OpFixture Math_ = OpFixture.Load("math");

    private static Tensor Range(params long[] shape) =>
        Torch.Arange(shape.Aggregate(1L, (a, b) => a * b), ScalarType.Float32).Reshape(shape);

    [Fact]
    public void CatAndStackJoinAlongTheGivenDim()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Range(2, 2);          // 0 1 / 2 3
        var b = Range(2, 2) + 10;     // 10 11 / 12 13
        Assert.Equal(new float[] { 0, 1, 2, 3, 10, 11, 12, 13 }, Torch.Cat(new[] { a, b }).ToArray<float>());
        var side = Torch.Cat(new[] { a, b }, 1);
        Assert.Equal(new long[] { 2, 4 }, side.Shape);
        Assert.Equal(new float[] { 0, 1, 10, 11, 2, 3, 12, 13 }, side.ToArray<float>());
        var stacked = Torch.Stack(new[] { a, b }, -1);
        Assert.Equal(new long[] { 2, 2, 2 }, stacked.Shape);
        Assert.Equal(new float[] { 0, 10, 1, 11, 2, 12, 3, 13 }, stacked.ToArray<float>());
        Assert.Throws<TorchException>(() => Torch.Cat(new[] { a, Range(3, 3) }));
    }

    [Fact]
    public void SplitAndChunkCutAlongTheGivenDim()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Range(5, 2);
        var parts = x.Split(2);
        Assert.Equal(new[] { 2L, 2, 1 }, parts.Select(p => p.Size(0)));
        Assert.Equal(new float[] { 8, 9 }, parts[2].ToArray<float>());
        var sized = x.Split(new long[] { 1, 4 });
        Assert.Equal(new long[] { 4, 2 }, sized[1].Shape);
        Assert.Equal(new float[] { 2, 3, 4, 5, 6, 7, 8, 9 }, sized[1].ToArray<float>());
        var columns = x.Chunk(2, 1);
        Assert.Equal(new float[] { 1, 3, 5, 7, 9 }, columns[1].ToArray<float>());
    }

    [Fact]
    public void PermuteAndReshapeMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var r = Math_.Tensor("r"); // (2, 3, 4)
        var permuted = r.Permute(2, 0, 1);
        TensorAssert.Equal(Math_, "r.permute201", permuted);
        TensorAssert.Equal(Math_, "r.permute201.reshape4x6", permuted.Reshape(4, 6));
        // (4, 2, 3) with strides (1, 12, 4): the last two dims merge into a view, all three do not
        TensorAssert.Equal(Math_, "r.permute201.reshape4x6", permuted.View(4, 6));
        Assert.Contains("view size is not compatible", Assert.Throws<TorchException>(() => permuted.View(-1)).Message);
        Assert.Equal(TensorAssert.Values(permuted.Reshape(-1)), TensorAssert.Values(permuted.Contiguous().View(-1)));
        Assert.Equal(new long[] { 3, 8 }, r.Reshape(-1, 8).Shape);
        Assert.Equal(new long[] { 2, 12 }, r.Flatten(1).Shape);
        Assert.Equal(new long[] { 2, 3 }, Range(2, 1, 3, 1).Squeeze().Shape);
        Assert.Equal(new long[] { 2, 3, 1 }, Range(2, 1, 3, 1).Squeeze(1).Shape);
    }

    [Fact]
    public void ViewsShareStorageWithTheirBase()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Range(3, 4);
        x.View(4, 3).Select(0, 1).FillInPlace(-1);      // elements 3, 4, 5
        x.Transpose(0, 1).Select(0, 3).MulInPlace(10);   // column 3: elements 3, 7, 11
        x.Slice(1, 1, null, 2).Narrow(0, 2, 1).ZeroInPlace(); // row 2, columns 1 and 3
        Assert.Equal(new float[] { 0, 1, 2, -10, -1, -1, 6, 70, 8, 0, 10, 0 }, x.ToArray<float>());
        // a view of a non-contiguous view reads in logical (row-major) order
        Assert.Equal(new float[] { 0, -1, 8, 1, -1, 0, 2, 6, 10, -10, 70, 0 }, x.Transpose(0, 1).ToArray<float>());
        // Expand broadcasts without copying
        var column = Tensor.From(new float[] { 1, 2 }, 2, 1).Expand(2, 3);
        Assert.Equal(new float[] { 1, 1, 1, 2, 2, 2 }, column.ToArray<float>());
    }
}
