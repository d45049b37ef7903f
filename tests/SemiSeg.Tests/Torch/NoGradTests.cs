namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>Torch.NoGrad() turns off gradient recording on this thread until disposed, and nests.</summary>
public class NoGradTests
{
    [Fact]
    public void ResultsInsideNoGradDoNotRequireGrad()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1, 2 }).RequiresGrad_();
        Assert.True(Torch.IsGradEnabled);
        using (Torch.NoGrad())
        {
            Assert.False(Torch.IsGradEnabled);
            var y = x * 2;
            Assert.False(y.RequiresGrad);
            // in-place updates of a leaf that requires grad are allowed here (optimizer steps)
            x.AddInPlace(Tensor.From(new double[] { 1, 1 }));
        }
        Assert.True(Torch.IsGradEnabled);
        Assert.Equal(new double[] { 2, 3 }, x.ToArray<double>());
        Assert.True((x * 2).RequiresGrad);
        Assert.Throws<TorchException>(() => x.AddInPlace(Tensor.From(new double[] { 1, 1 })));
    }

    [Fact]
    public void NestedNoGradRestoresTheOuterState()
    {
        using (Torch.NoGrad())
        {
            using (Torch.NoGrad()) Assert.False(Torch.IsGradEnabled);
            Assert.False(Torch.IsGradEnabled); // the inner scope restores "off", not "on"
        }
        Assert.True(Torch.IsGradEnabled);
    }
}
