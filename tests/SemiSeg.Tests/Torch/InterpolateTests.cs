using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>F.Interpolate (bilinear with and without align corners, nearest) against PyTorch and by hand.</summary>
public class InterpolateTests
{
    private static readonly OpFixture Nn = OpFixture.Load("nn");

    [Theory]
    [InlineData(false, "noac")]
    [InlineData(true, "ac")]
    public void BilinearToSizeMatchesPyTorch(bool alignCorners, string tag)
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("interp.input"); // (1, 2, 3, 4)
        TensorAssert.Close(Nn, $"interp.bilinear.{tag}.up5x7", F.Interpolate(x, 5, 7, InterpolationMode.Bilinear, alignCorners), atol: 1e-6);
        TensorAssert.Close(Nn, $"interp.bilinear.{tag}.down2x3", F.Interpolate(x, 2, 3, InterpolationMode.Bilinear, alignCorners), atol: 1e-6);
    }

    [Theory]
    [InlineData(false, "noac")]
    [InlineData(true, "ac")]
    public void BilinearByScaleMatchesPyTorch(bool alignCorners, string tag)
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("interp.input");
        TensorAssert.Close(Nn, $"interp.bilinear.{tag}.scale2", F.Interpolate(x, 2.0, InterpolationMode.Bilinear, alignCorners), atol: 1e-6);
        // 3 x 1.5 = 4.5 and 4 x 1.5 = 6: the size is floored to (4, 6)
        var y = F.Interpolate(x, 1.5, InterpolationMode.Bilinear, alignCorners);
        Assert.Equal(new long[] { 1, 2, 4, 6 }, y.Shape);
        TensorAssert.Close(Nn, $"interp.bilinear.{tag}.scale1_5", y, atol: 1e-6);
    }

    [Fact]
    public void NearestMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("interp.input");
        TensorAssert.Equal(Nn, "interp.nearest.up5x7", F.Interpolate(x, 5, 7, InterpolationMode.Nearest));
        TensorAssert.Equal(Nn, "interp.nearest.down2x3", F.Interpolate(x, 2, 3, InterpolationMode.Nearest));
        TensorAssert.Equal(Nn, "interp.nearest.scale2", F.Interpolate(x, 2.0, InterpolationMode.Nearest));
        TensorAssert.Equal(Nn, "interp.nearest.scale1_5", F.Interpolate(x, 1.5, InterpolationMode.Nearest));
    }

    [Fact]
    public void BilinearSamplesByHand()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 0, 1 }, 1, 1, 1, 2);
        // align corners: the end pixels' centres map onto each other, step 1/2
        Assert.Equal(new double[] { 0, 0.5, 1 }, F.Interpolate(x, 1, 3, InterpolationMode.Bilinear, alignCorners: true).ToArray<double>());
        // half-pixel centres: source = (dst + 0.5) / 2 - 0.5, clamped at the borders
        Assert.Equal(new double[] { 0, 0.25, 0.75, 1 }, F.Interpolate(x, 1, 4, InterpolationMode.Bilinear).ToArray<double>());
    }

    [Fact]
    public void NearestPicksFloorOfScaledIndexAndKeepsLabels()
    {
        using var scope = Torch.NewDisposeScope();
        var labels = Tensor.From(new float[] { 3, 7, 255 }, 1, 1, 1, 3);
        // source index floor(dst * 3 / 5)
        Assert.Equal(new float[] { 3, 3, 7, 7, 255 }, F.Interpolate(labels, 1, 5, InterpolationMode.Nearest).ToArray<float>());
        Assert.Equal(new float[] { 3, 7 }, F.Interpolate(labels, 1, 2, InterpolationMode.Nearest).ToArray<float>());
    }

    [Fact]
    public void NearestWithAlignCornersAndNonImageInputAreRejected()
    {
        using var scope = Torch.NewDisposeScope();
        var image = Torch.Zeros(new long[] { 1, 1, 2, 2 });
        var error = Assert.Throws<ArgumentException>(() => F.Interpolate(image, 4, 4, InterpolationMode.Nearest, alignCorners: true));
        Assert.Contains("alignCorners", error.Message);
        var flat = Torch.Zeros(new long[] { 2, 2 });
        Assert.Contains("(N, C, H, W)", Assert.Throws<ArgumentException>(() => F.Interpolate(flat, 2.0)).Message);
    }
}
