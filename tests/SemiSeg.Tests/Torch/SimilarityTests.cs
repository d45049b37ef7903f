using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>cosine_similarity, normalize and one_hot against PyTorch (Fixtures/ops/nn.json).</summary>
public class SimilarityTests
{
    private static readonly OpFixture Nn = OpFixture.Load("nn");

    [Fact]
    public void CosineSimilarityMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x1 = Nn.Tensor("cosine.x1");
        var x2 = Nn.Tensor("cosine.x2");
        TensorAssert.Close(Nn, "cosine.dim1", F.CosineSimilarity(x1, x2, 1), atol: 1e-6);
        TensorAssert.Close(Nn, "cosine.dim0", F.CosineSimilarity(x1, x2, 0), atol: 1e-6);
        // a (1, C, 1, 1) prototype broadcast against (N, C, H, W) features
        TensorAssert.Close(Nn, "cosine.broadcast", F.CosineSimilarity(Nn.Tensor("cosine.feat"), Nn.Tensor("cosine.proto"), 1), atol: 1e-6);
    }

    [Fact]
    public void CosineSimilarityByHand()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(new double[] { 1, 0, 3, 4, 1, 1 }, 3, 2);
        var b = Tensor.From(new double[] { 0, 2, 6, 8, -1, -1 }, 3, 2);
        TensorAssert.Close(new double[] { 0, 1, -1 }, F.CosineSimilarity(a, b), atol: 1e-12);
    }

    [Fact]
    public void NormalizeMatchesPyTorchAndLeavesZeroRowsAtZero()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("normalize.input"); // (4, 4), last row zeros
        var unit = F.Normalize(x);
        TensorAssert.Close(Nn, "normalize.p2_dim1", unit, atol: 1e-6);
        TensorAssert.Close(Nn, "normalize.p1_dim0", F.Normalize(x, p: 1, dim: 0), atol: 1e-6);
        TensorAssert.Close(new double[] { 1, 1, 1, 0 }, unit.Norm(2, 1), atol: 1e-6);
    }

    [Fact]
    public void OneHotMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var labels = Nn.Tensor("one_hot.labels");
        TensorAssert.Equal(Nn, "one_hot.5", F.OneHot(labels, 5));
        TensorAssert.Equal(Nn, "one_hot.auto", F.OneHot(labels));
        Assert.Throws<TorchException>(() => F.OneHot(labels, 3));
    }
}
