using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

public class InfoNceLossTests
{
    // anchor (1, 0); positive (2, 0): cosine 1; negatives (0, 3): cosine 0 and (-1, 0): cosine -1.
    private static (Tensor Anchors, Tensor Positive, Tensor Negatives) OneAnchor() =>
        (Tensor.From(new float[] { 1, 0 }, 1, 2), Tensor.From(new float[] { 2, 0 }, 2), Tensor.From(new float[] { 0, 3, -1, 0 }, 1, 2, 2));

    [Fact]
    public void InfoNceOfOneAnchorIsTheHandComputedValue()
    {
        using var scope = Torch.NewDisposeScope();
        var (anchors, positive, negatives) = OneAnchor();
        // -log(e^(1/0.5) / (e^2 + e^0 + e^-2)) = log(1 + e^-2 + e^-4)
        var expected = Math.Log(1 + Math.Exp(-2) + Math.Exp(-4));
        Assert.Equal(expected, InfoNceLoss.Compute(anchors, positive, negatives, 0.5).Item(), 6);
    }

    [Fact]
    public void InfoNceAveragesOverAnchors()
    {
        using var scope = Torch.NewDisposeScope();
        // second anchor (0, 1): cosine 0 with the positive, 1 and 0 with its negatives (0, 1), (1, 0)
        var anchors = Tensor.From(new float[] { 1, 0, 0, 1 }, 2, 2);
        var positive = Tensor.From(new float[] { 1, 0 }, 2);
        var negatives = Tensor.From(new float[] { 0, 3, -1, 0, 0, 1, 1, 0 }, 2, 2, 2);
        var first = Math.Log(1 + Math.Exp(-2) + Math.Exp(-4));
        var second = -Math.Log(Math.Exp(0) / (Math.Exp(0) + Math.Exp(2) + Math.Exp(0)));
        Assert.Equal((first + second) / 2, InfoNceLoss.Compute(anchors, positive, negatives, 0.5).Item(), 6);
    }

    [Fact]
    public void BinaryVariantContrastsEachNegativeAlone()
    {
        using var scope = Torch.NewDisposeScope();
        var (anchors, positive, negatives) = OneAnchor();
        // Eq. A1: mean over j of -log(e^{s+/t} / (e^{s+/t} + e^{s-_j/t})) = log(1 + e^{(s-_j - s+)/t})
        var expected = (Math.Log(1 + Math.Exp(-2)) + Math.Log(1 + Math.Exp(-4))) / 2;
        Assert.Equal(expected, BinaryNegativeLoss.Compute(anchors, positive, negatives, 0.5).Item(), 6);
    }

    [Fact]
    public void GradientReachesTheAnchorsOnly()
    {
        using var scope = Torch.NewDisposeScope();
        var (anchors, positive, negatives) = OneAnchor();
        anchors.RequiresGrad = true;
        InfoNceLoss.Compute(anchors, positive, negatives, 0.5).Backward();
        var grad = anchors.Grad!.ToArray<float>();
        // d loss / d anchor_y: moving the anchor toward (0, 3) raises a negative similarity: positive gradient
        Assert.True(grad[1] > 0);
        Assert.Null(negatives.Grad);
    }
}
