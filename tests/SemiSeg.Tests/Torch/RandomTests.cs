using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>
/// Seeded draws: a Generator wraps libtorch's CPUGeneratorImpl, so the same seed and the same
/// sequence of calls give exactly PyTorch's numbers (Fixtures/ops/random.json).
/// </summary>
public class RandomTests
{
    private static readonly OpFixture Random = OpFixture.Load("random");

    [Fact]
    public void OneGeneratorDrawsPyTorchsSequence()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(42);
        TensorAssert.Equal(Random, "seed42.rand3x4", Torch.Rand(new long[] { 3, 4 }, g));
        TensorAssert.Equal(Random, "seed42.randint0_10", Torch.Randint(0, 10, new long[] { 5 }, g));
        TensorAssert.Equal(Random, "seed42.randperm12", Torch.Randperm(12, g));
        TensorAssert.Equal(Random, "seed42.normal1_2.small", Torch.Normal(1, 2, new long[] { 2, 3 }, g));
        // 16 or more elements take libtorch's vectorised normal path
        TensorAssert.Equal(Random, "seed42.normal1_2.large", Torch.Normal(1, 2, new long[] { 4, 5 }, g));
        TensorAssert.Equal(Random, "seed42.randn2x10", Torch.Randn(new long[] { 2, 10 }, g));
    }

    [Fact]
    public void InPlaceAndBernoulliDrawsMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(7);
        TensorAssert.Equal(Random, "seed7.randint-5_5", Torch.Randint(-5, 5, new long[] { 3, 4 }, g));
        TensorAssert.Equal(Random, "seed7.randperm100", Torch.Randperm(100, g));
        TensorAssert.Equal(Random, "seed7.uniform-1_2", Torch.UniformInPlace(Torch.Empty(new long[] { 2, 3 }), -1, 2, g));
        TensorAssert.Equal(Random, "seed7.normal_inplace0_3", Torch.NormalInPlace(Torch.Empty(new long[] { 20 }), 0, 3, g));
        TensorAssert.Equal(Random, "seed7.bernoulli0_3", Torch.Bernoulli(Torch.Zeros(new long[] { 3, 5 }), 0.3, g));
    }

    [Fact]
    public void SeedsAbove32BitsMatchPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator((1UL << 40) + 3);
        TensorAssert.Equal(Random, "seedbig.rand5", Torch.Rand(new long[] { 5 }, g));
    }

    [Fact]
    public void ReseedingAndRestoringStateRepeatTheDraws()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(1);
        g.ManualSeed(42);
        TensorAssert.Equal(Random, "seed42.rand3x4", Torch.Rand(new long[] { 3, 4 }, g));
        var state = g.GetState();
        var first = Torch.Randint(0, 10, new long[] { 5 }, g);
        TensorAssert.Equal(Random, "seed42.randint0_10", first);
        Torch.Rand(new long[] { 100 }, g); // move on
        g.SetState(state);
        TensorAssert.Equal(Random, "seed42.randint0_10", Torch.Randint(0, 10, new long[] { 5 }, g));
    }

    [Fact]
    public void DrawsHaveTheRequestedRangeShapeAndDtype()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(3);
        var u = Torch.Rand(new long[] { 1000 }, g, ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, u.Dtype);
        Assert.True(u.Ge(0).All().Item() == 1 && u.Lt(1).All().Item() == 1);
        var ints = Torch.Randint(3, 6, new long[] { 1000 }, g);
        Assert.Equal(ScalarType.Int64, ints.Dtype);
        Assert.Equal(new long[] { 3, 4, 5 }, ints.ToArray<long>().Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 50).Select(k => (long)k), Torch.Randperm(50, g).ToArray<long>().Order());
        var n = Torch.Normal(5, 0.5, new long[] { 4000 }, g, dtype: ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, n.Dtype);
        Assert.InRange(n.Mean().Item(), 4.97, 5.03);      // standard error 0.008
    }
}
