using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>
/// Dropout draws from libtorch's default generator, so after the same torch.manual_seed it
/// must zero the same elements as PyTorch did (Fixtures/ops/nn.json). Serial: the default
/// generator is process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public class DropoutTests
{
    private static readonly OpFixture Nn = OpFixture.Load("nn");

    [Fact]
    public void DropoutAfterManualSeedMatchesPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("dropout.input"); // 1..40
        Torch.ManualSeed(7);
        var y = F.Dropout(x, 0.3);
        TensorAssert.Close(Nn, "dropout.p0_3.seed7", y, atol: 1e-5, rtol: 1e-6);
        // survivors are scaled by 1 / (1 - p)
        var input = x.ToArray<float>();
        var output = y.ToArray<float>();
        for (var k = 0; k < output.Length; k++)
            Assert.True(output[k] == 0 || Math.Abs(output[k] - input[k] / 0.7) < 1e-4, $"element {k}: {output[k]} from {input[k]}");
    }

    [Fact]
    public void Dropout2dZeroesWholeChannelsAsPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("dropout2d.input"); // (2, 6, 2, 2)
        Torch.ManualSeed(8);
        var y = F.Dropout2d(x, 0.5);
        TensorAssert.Close(Nn, "dropout2d.p0_5.seed8", y, atol: 1e-5, rtol: 1e-6);
        // every (n, c) plane is either all zero or all doubled
        var planes = y.Reshape(12, 4).ToArray<float>();
        var inputs = x.Reshape(12, 4).ToArray<float>();
        for (var p = 0; p < 12; p++)
        {
            var zeros = Enumerable.Range(0, 4).Count(k => planes[p * 4 + k] == 0);
            Assert.True(zeros == 0 || zeros == 4, $"plane {p} has {zeros} zeros");
            if (zeros == 0) Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(inputs[p * 4 + k] * 2, planes[p * 4 + k], 4));
        }
    }

    [Fact]
    public void DropoutOutsideTrainingOrWithZeroRateIsTheIdentity()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Nn.Tensor("dropout.input");
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0.5, training: false).ToArray<float>());
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0.0).ToArray<float>());
        Assert.Equal(x.ToArray<float>(), F.Dropout2d(x.Reshape(1, 4, 10, 1), 0.5, training: false).Flatten().ToArray<float>());
    }

    [Fact]
    public void DropoutRateIsRoughlyP()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(123);
        var y = F.Dropout(Torch.Ones(new long[] { 100, 100 }), 0.25);
        var dropped = y.Eq(0).Sum().Item() / 10000;
        // 10000 Bernoulli(0.25) draws: standard deviation 0.0043
        Assert.InRange(dropped, 0.23, 0.27);
    }
}
