namespace SemiSeg.Tests.Torch;

public class InteropTests
{
    [Fact]
    public void AddsTwoTensorsThroughTheDispatcher()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var a = Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.From(new float[] { 10, 20, 30, 40 }, 2, 2);
        var c = a + b;
        Assert.Equal(new long[] { 2, 2 }, c.Shape);
        Assert.Equal(new float[] { 11, 22, 33, 44 }, c.ToArray<float>());
    }

    [Fact]
    public void LibtorchErrorBecomesTorchExceptionWithItsMessage()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var a = SemiSeg.Torch.Torch.Zeros(new long[] { 2, 3 });
        var b = SemiSeg.Torch.Torch.Zeros(new long[] { 4, 5 });
        var error = Assert.Throws<TorchException>(() => a.Mm(b));
        Assert.Contains("aten::mm", error.Message);
        Assert.Contains("cannot be multiplied", error.Message);
        // The process survived and keeps working.
        Assert.Equal(0.0, (a + 0).Sum().Item());
    }

    [Fact]
    public void BadConvolutionShapeReportsLibtorchsMessage()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var input = SemiSeg.Torch.Torch.Zeros(new long[] { 1, 5, 8, 8 });
        var weight = SemiSeg.Torch.Torch.Zeros(new long[] { 4, 3, 3, 3 });
        var error = Assert.Throws<TorchException>(() => F.Conv2d(input, weight));
        Assert.StartsWith("aten::conv2d(", error.Message);
        Assert.Contains("expected input[1, 5, 8, 8] to have 3 channels, but got 5 channels instead", error.Message);
        var tooSmall = Assert.Throws<TorchException>(() => F.Conv2d(SemiSeg.Torch.Torch.Zeros(new long[] { 1, 3, 2, 2 }), weight));
        Assert.Contains("Kernel size can't be greater than actual input size", tooSmall.Message);
    }

    [Fact]
    public void ArgumentsThatDoNotFitTheSchemaAreNamed()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var relu = new Op("aten::relu");
        Assert.Equal("aten::relu(Tensor self) -> Tensor", relu.Schema);
        var error = Assert.Throws<TorchException>(() => relu.Call("text"));
        Assert.Contains("argument 'self' expects Tensor but was given str", error.Message);
        Assert.Contains("no operator aten::no_such_op", Assert.Throws<TorchException>(() => new Op("aten::no_such_op").Call()).Message);
        // named arguments reach keyword-only parameters
        var x = Tensor.From(new double[] { 1, 2, 3, 4 });
        var q = new Op("aten::quantile", "scalar").Call(x, 0.5, ((Arg)"lower").Named("interpolation"));
        Assert.Equal(2.0, q.Item());
    }
}
