using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>Arithmetic operators, type promotion, clamp and comparisons against PyTorch (Fixtures/ops/math.json).</summary>
public class MathTests
{
    private static readonly OpFixture Math_ = OpFixture.Load("math");

    [Fact]
    public void ArithmeticOperatorsMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Math_.Tensor("a");
        var b = Math_.Tensor("b");
        TensorAssert.Equal(Math_, "a+b", a + b);
        TensorAssert.Equal(Math_, "a-b", a - b);
        TensorAssert.Equal(Math_, "a*b", a * b);
        TensorAssert.Equal(Math_, "a/b", a / b);
        TensorAssert.Equal(Math_, "2-a", 2 - a);
        TensorAssert.Close(Math_, "3/b", 3 / b, atol: 0, rtol: 1e-7);
        TensorAssert.Equal(Math_, "a*2.5+1", a * 2.5 + 1);
        TensorAssert.Equal(Math_, "a+row", a + Math_.Tensor("row")); // broadcast over rows
        Assert.Equal((-a).ToArray<float>(), (0 - a).ToArray<float>());
        Assert.Equal((a + b * 2).ToArray<float>(), a.Add(b, alpha: 2).ToArray<float>()); // 2b is exact, so one rounding either way
    }

    [Fact]
    public void IntegerTensorsPromoteAsInPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var ints = Math_.Tensor("ints");
        Assert.Equal(ScalarType.Int64, ints.Dtype);
        TensorAssert.Equal(Math_, "ints/2", ints / 2);         // true division gives float32
        TensorAssert.Equal(Math_, "ints+0.5", ints + 0.5);     // a float scalar promotes to float32
        TensorAssert.Equal(Math_, "ints*ints", ints * ints);   // stays int64
        TensorAssert.Close(Math_, "3/ints_nonzero", 3 / Tensor.From(new long[] { 1, 2, -4 }), atol: 0, rtol: 1e-7);
    }

    [Fact]
    public void ClampMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Math_.Tensor("a");
        TensorAssert.Equal(Math_, "clamp.-0.5_0.5", a.Clamp(-0.5, 0.5));
        TensorAssert.Equal(Math_, "clamp.min0", a.Clamp(min: 0));
        TensorAssert.Equal(Math_, "clamp.min0", a.ClampMin(0));
        TensorAssert.Equal(Math_, "clamp.max0_1", a.Clamp(max: 0.1));
    }

    [Fact]
    public void ComparisonsMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var c = Math_.Tensor("c");
        var d = Math_.Tensor("d");
        TensorAssert.Equal(Math_, "c.eq(2)", c.Eq(2));
        TensorAssert.Equal(Math_, "c.ne(2)", c.Ne(2));
        TensorAssert.Equal(Math_, "c.lt(2)", c.Lt(2));
        TensorAssert.Equal(Math_, "c.ge(2)", c.Ge(2));
        TensorAssert.Equal(Math_, "c.eq(d)", c.Eq(d));
        TensorAssert.Equal(Math_, "c.ne(d)", c.Ne(d));
        TensorAssert.Equal(Math_, "c.lt(d)", c.Lt(d));
        TensorAssert.Equal(Math_, "c.ge(d)", c.Ge(d));
        TensorAssert.Equal(Math_, "eq", Math_.Tensor("a").Eq(Math_.Tensor("b")));
        // logical operators on the bool results
        Assert.Equal(new[] { false, false, false, false, false, false }, (c.Lt(2) & c.Ge(2)).ToArray<bool>());
        Assert.Equal(Enumerable.Repeat(true, 6), (c.Lt(2) | c.Ge(2)).ToArray<bool>());
        Assert.Equal(c.Ge(2).ToArray<bool>(), (!c.Lt(2)).ToArray<bool>());
    }

    [Fact]
    public void ElementwiseFunctionsByHand()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 0.25, 1, 4 });
        TensorAssert.Close(new[] { 0.5, 1, 2 }, x.Sqrt(), atol: 1e-15);
        TensorAssert.Close(new[] { 4, 1, 0.25 }, x.Reciprocal(), atol: 1e-15);
        TensorAssert.Close(new[] { Math.Log(0.25), 0, Math.Log(4) }, x.Log(), atol: 1e-15);
        TensorAssert.Close(new[] { 0.0625, 1, 16 }, x.Pow(2), atol: 1e-15);
        TensorAssert.Close(new[] { 1 / (1 + Math.Exp(-0.25)), 1 / (1 + Math.Exp(-1)), 1 / (1 + Math.Exp(-4)) }, x.Sigmoid(), atol: 1e-15);
    }
}
