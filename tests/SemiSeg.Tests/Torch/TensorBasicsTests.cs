namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>Metadata, autograd basics, scalar reads and copies between tensors and managed memory.</summary>
public class TensorBasicsTests
{
    [Fact]
    public void MetadataDescribesTheTensor()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Torch.Zeros(new long[] { 2, 3, 4 }, ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, t.Dtype);
        Assert.Equal(new long[] { 2, 3, 4 }, t.Shape);
        Assert.Equal(3, t.Dim);
        Assert.Equal(24, t.NumEl);
        Assert.Equal(4, t.Size(-1));
        Assert.Equal(Device.CPU.Type, t.Device.Type);
        Assert.Equal("cpu", t.Device.ToString());
        Assert.False(t.RequiresGrad);
        Assert.Equal(ScalarType.Int64, Torch.Arange(3).Dtype);
        Assert.Equal(ScalarType.Bool, t.Eq(0).Dtype);
        Assert.Equal(ScalarType.Float32, t.Float().Dtype);
        Assert.Equal("Tensor(shape=[2, 3, 4], dtype=Float64, device=cpu)", t.ToString());
    }

    [Fact]
    public void BackwardFillsTheGradientOfLeaves()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1, 2, 3 }).RequiresGrad_();
        Assert.True(x.RequiresGrad);
        Assert.True(x.IsLeaf);
        Assert.Null(x.Grad);
        var y = (x * x * 3 + x).Sum();   // dy/dx = 6x + 1
        Assert.True(y.RequiresGrad);
        Assert.False(y.IsLeaf);
        y.Backward();
        Assert.Equal(new double[] { 7, 13, 19 }, x.Grad!.ToArray<double>());
        // a second backward accumulates into grad, as in PyTorch
        (x * 2).Sum().Backward();
        Assert.Equal(new double[] { 9, 15, 21 }, x.Grad!.ToArray<double>());
        x.Grad = null;
        Assert.Null(x.Grad);
        // a non-scalar output takes an explicit gradient
        (x * 5).Backward(Tensor.From(new double[] { 1, 0, -1 }));
        Assert.Equal(new double[] { 5, 0, -5 }, x.Grad!.ToArray<double>());
        // detach cuts the graph
        Assert.False(x.Detach().RequiresGrad);
    }

    [Fact]
    public void BackwardOfANonScalarWithoutGradientIsAnError()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1, 2 }).RequiresGrad_();
        var error = Assert.Throws<TorchException>(() => (x * 2).Backward());
        Assert.Contains("scalar outputs", error.Message);
    }

    [Fact]
    public void ItemReadsOneElementOfAnyDtype()
    {
        using var scope = Torch.NewDisposeScope();
        Assert.Equal(2.5, Tensor.Scalar(2.5).Item());
        Assert.Equal(2.5, Tensor.Scalar(2.5f).Item());
        Assert.Equal(7L, Tensor.Scalar(7L).ItemInt());
        Assert.Equal(1.0, Tensor.From(new[] { true }).Item());
        Assert.Equal(1L << 60, Tensor.Scalar(1L << 60).ItemInt()); // exact beyond double's 53 bits
        var error = Assert.Throws<TorchException>(() => Torch.Zeros(new long[] { 2 }).Item());
        Assert.Contains("a Tensor with 2 elements cannot be converted to Scalar", error.Message);
    }

    [Fact]
    public void CopiesToAndFromManagedArraysAndSpans()
    {
        using var scope = Torch.NewDisposeScope();
        ReadOnlySpan<float> source = stackalloc float[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.From(source, new long[] { 2, 3 });
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        // the tensor holds a copy: the source array can change afterwards
        var array = new long[] { 1, 2, 3 };
        var copy = Tensor.From(array);
        array[0] = 99;
        Assert.Equal(new long[] { 1, 2, 3 }, copy.ToArray<long>());
        // CopyTo writes into a caller's span (here a slice of a bigger buffer)
        var buffer = new float[8];
        t.CopyTo<float>(buffer.AsSpan(1, 6));
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 6, 0 }, buffer);
        Assert.Throws<TorchException>(() => t.CopyTo<float>(buffer.AsSpan(0, 5)));
        var wrongType = Assert.Throws<InvalidOperationException>(() => t.ToArray<double>());
        Assert.Contains("Float32", wrongType.Message);
        Assert.Contains("shape [2, 2] holds 4 elements", Assert.Throws<ArgumentException>(() => Tensor.From(new float[3], 2, 2)).Message);
        // every element type round-trips
        Assert.Equal(new byte[] { 0, 255 }, Tensor.From(new byte[] { 0, 255 }).ToArray<byte>());
        Assert.Equal(new[] { true, false }, Tensor.From(new[] { true, false }).ToArray<bool>());
        Assert.Equal(new[] { -1, 1 << 30 }, Tensor.From(new[] { -1, 1 << 30 }).ToArray<int>());
        Assert.Equal(ScalarType.Int32, Tensor.From(new[] { 1 }).Dtype);
    }

    [Fact]
    public void ScalarAndConversionKeepValues()
    {
        using var scope = Torch.NewDisposeScope();
        Assert.Empty(Tensor.Scalar(3.0).Shape);
        var x = Tensor.From(new double[] { -1.5, 0.4, 2.6 });
        Assert.Equal(new long[] { -1, 0, 2 }, x.Long().ToArray<long>()); // truncation towards zero, as PyTorch
        Assert.Equal(new[] { true, true, true }, x.Bool().ToArray<bool>());
        Assert.Equal(new double[] { -2, 0, 3 }, x.Round().ToArray<double>());
        Assert.Equal(new double[] { -2, 0, 2 }, x.Floor().ToArray<double>());
        Assert.Equal(new float[] { -1.5f, 0.4f, 2.6f }, x.To(Device.CPU, ScalarType.Float32).ToArray<float>());
    }
}
