using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

public class EntropyPartitionTests
{
    [Fact]
    public void EntropyOfUniformAndCertainPixelsIsLogCAndZero()
    {
        using var scope = Torch.NewDisposeScope();
        // pixel 0 uniform over 4 classes, pixel 1 certain of class 2
        var probabilities = Tensor.From(new float[] { 0.25f, 0, 0.25f, 0, 0.25f, 1, 0.25f, 0 }, 1, 4, 1, 2);
        var entropy = EntropyPartition.PixelEntropy(probabilities).ToArray<float>();
        Assert.Equal(Math.Log(4), entropy[0], 5);
        Assert.Equal(0.0, entropy[1], 6);
    }

    [Fact]
    public void ThresholdInterpolatesBetweenOrderStatisticsOfValidPixelsOnly()
    {
        using var scope = Torch.NewDisposeScope();
        // entropies 0.1 .. 0.9 on valid pixels and a huge one on an ignored pixel
        var entropy = Tensor.From(new float[] { 0.5f, 0.1f, 0.9f, 0.3f, 0.7f, 0.2f, 0.8f, 0.4f, 0.6f, 99f }, 1, 2, 5);
        var valid = Tensor.From(new[] { true, true, true, true, true, true, true, true, true, false }, 1, 2, 5);
        var partition = EntropyPartition.FromEntropy(entropy, valid);
        Assert.Equal(9, partition.ValidCount);
        // np.percentile(0.1..0.9, 80): position 0.8 * 8 = 6.4 -> 0.7 + 0.4 * 0.1
        Assert.Equal(0.74, partition.Threshold(80).Item(), 6);
        Assert.Equal(0.5, partition.Threshold(50).Item(), 6);
        Assert.Equal(0.1, partition.Threshold(0).Item(), 6);
        Assert.Equal(0.9, partition.Threshold(100).Item(), 6);
        // 20% unreliable: entropy >= 0.74 is dropped (0.8, 0.9), the ignored pixel is neither
        Assert.Equal(new[] { true, true, false, true, true, true, false, true, true, false }, partition.ReliableMask(20).ToArray<bool>());
        Assert.Equal(new[] { false, false, true, false, false, false, true, false, false, false }, partition.HighEntropyMask(20).ToArray<bool>());
        // bottom 20%: <= 0.1 + 0.6 * 0.1 = 0.26 -> 0.1 and 0.2
        Assert.Equal(0.26, partition.Threshold(20).Item(), 6);
        Assert.Equal(new[] { false, true, false, false, false, true, false, false, false, false }, partition.LowEntropyMask(20).ToArray<bool>());
    }

    [Fact]
    public void DynamicPartitionAdjustmentShrinksAlphaLinearly()
    {
        Assert.Equal(20, EntropyPartition.ScheduledPercent(20, 0, 80), 12);
        Assert.Equal(10, EntropyPartition.ScheduledPercent(20, 40, 80), 12);
        Assert.Equal(0, EntropyPartition.ScheduledPercent(20, 80, 80), 12);
        var options = new UnsupervisedOptions { DropPercent = 80 };
        Assert.Equal(20, options.InitialUnreliablePercent, 12);
        Assert.Equal(14, options.UnreliablePercentAt(3, 10), 12);
    }

    [Fact]
    public void NoValidPixelMeansNothingIsUnreliable()
    {
        using var scope = Torch.NewDisposeScope();
        var labels = Torch.Full(new long[] { 1, 2, 2 }, 255, ScalarType.Int64);
        var probabilities = Torch.Full(new long[] { 1, 3, 2, 2 }, 1.0 / 3);
        var partition = EntropyPartition.FromProbabilities(probabilities, labels);
        Assert.True(double.IsPositiveInfinity(partition.Threshold(80).Item()));
        Assert.False(partition.HighEntropyMask(20).Any().Item() != 0);
    }

    [Fact]
    public void MatchesNumpyPercentilesOfTheOfficialCode()
    {
        using var scope = Torch.NewDisposeScope();
        var fixture = LossFixtures.Case("partition");
        var partition = EntropyPartition.FromProbabilities(fixture.Tensor("probabilities"), fixture.Tensor("labels"));
        TensorAssert.Close(fixture.Tensor("entropy"), partition.Entropy, 1e-6, "entropy");
        foreach (var entry in fixture.GetProperty("percentiles").EnumerateObject())
        {
            var q = double.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture);
            TensorAssert.Close(entry.Value.Number("threshold"), partition.Threshold(q).Item(), 1e-6, $"percentile {q}");
            TensorAssert.Equal(entry.Value.Tensor("ge_mask"), partition.HighEntropyMask(100 - q), $"entropy >= p{q}");
            TensorAssert.Equal(entry.Value.Tensor("le_mask"), partition.LowEntropyMask(q), $"entropy <= p{q}");
        }
    }
}
