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
}
