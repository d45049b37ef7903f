using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

public class UnsupervisedLossTests
{
    [Fact]
    public void AdaptiveWeightIsBatchPixelsOverReliablePixels()
    {
        using var scope = Torch.NewDisposeScope();
        var reliable = Tensor.From(new[] { true, false, false, true, false, false, true, false, false, false, false, false }, 2, 2, 3);
        Assert.Equal(4.0, UnsupervisedLoss.AdaptiveWeight(reliable).Item(), 6);
    }

    [Fact]
    public void LossIsWeightTimesMeanCrossEntropyOverReliablePixels()
    {
        using var scope = Torch.NewDisposeScope();
        // 8 pixels, 2 classes, uniform student: CE = ln 2 on every pixel.
        var logits = Torch.Zeros(new long[] { 2, 2, 2, 2 });
        var labels = Tensor.From(new long[] { 0, 1, 1, 255, 0, 0, 1, 1 }, 2, 2, 2);
        // entropies 0.1..0.7 on the 7 valid pixels; 40% unreliable -> threshold p60 = 0.46: keeps 0.1..0.4
        var entropy = Tensor.From(new float[] { 0.1f, 0.5f, 0.2f, 9f, 0.6f, 0.3f, 0.7f, 0.4f }, 2, 2, 2);
        var partition = EntropyPartition.FromEntropy(entropy, labels.Ne(255));
        var loss = UnsupervisedLoss.Compute(logits, labels, partition, unreliablePercent: 40, lossWeight: 1.5).Item();
        // weight 8 / 4 = 2; mean CE over the 4 kept pixels = ln 2; times eta 1.5
        Assert.Equal(2 * Math.Log(2) * 1.5, loss, 5);
    }

    [Fact]
    public void NoReliablePixelGivesZeroNotNaN()
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Torch.Zeros(new long[] { 1, 2, 1, 2 }, ScalarType.Float32).RequiresGrad_();
        var labels = Tensor.From(new long[] { 255, 255 }, 1, 1, 2);
        var partition = EntropyPartition.FromEntropy(Torch.Zeros(new long[] { 1, 1, 2 }), labels.Ne(255));
        var loss = UnsupervisedLoss.Compute(logits, labels, partition, 20);
        Assert.Equal(0.0, loss.Item());
        loss.Backward();
        Assert.Equal(0.0, logits.Grad!.Abs().Sum().Item());
    }

    [Fact]
    public void MatchesTheOfficialComputeUnsupervisedLoss()
    {
        using var scope = Torch.NewDisposeScope();
        var fixture = LossFixtures.Case("unsupervised");
        var options = new UnsupervisedOptions { DropPercent = fixture.Number("drop_percent") };
        var percent = options.UnreliablePercentAt(fixture.Int("epoch"), fixture.Int("epochs"));
        TensorAssert.Close(fixture.Number("unreliable_percent"), percent, 1e-12, "alpha_t");
        var labels = fixture.Tensor("labels");
        var partition = EntropyPartition.FromProbabilities(F.Softmax(fixture.Tensor("teacher"), 1), labels);
        var reliable = partition.ReliableMask(percent);
        Assert.Equal(fixture.Int("kept"), reliable.Sum().ItemInt());
        TensorAssert.Close(fixture.Number("weight"), UnsupervisedLoss.AdaptiveWeight(reliable).Item(), 1e-5, "weight");
        var loss = UnsupervisedLoss.Compute(fixture.Tensor("student"), labels, partition, percent).Item();
        TensorAssert.Close(fixture.Number("loss"), loss, 1e-5, "loss");
    }
}
