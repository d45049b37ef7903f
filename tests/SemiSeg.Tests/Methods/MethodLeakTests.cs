using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>Every loss frees its temporaries: after the caller's scope closes, the live count is back.</summary>
[Collection(SerialTensorCountCollection.Name)]
public class MethodLeakTests
{
    [Fact]
    public void LossesLeaveNoTensorBehind()
    {
        using var generator = new Generator(5);
        // warm up once so lazily created operator state does not count
        RunAll(generator);
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        var finalizedBefore = Tensor.FinalizedCount;
        for (var k = 0; k < 3; k++) RunAll(generator);
        Assert.Equal(before, Tensor.LiveCount);
        Assert.Equal(finalizedBefore, Tensor.FinalizedCount);
    }

    private static void RunAll(Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Torch.Randn(new long[] { 2, 4, 6, 6 }, generator).RequiresGrad_();
        var teacher = Torch.Randn(new long[] { 2, 4, 6, 6 }, generator);
        var labels = F.Softmax(teacher, 1).Argmax(1);
        var partition = EntropyPartition.FromProbabilities(F.Softmax(teacher, 1), labels);
        var unsup = UnsupervisedLoss.Compute(logits, labels, partition, 20);
        var sup = new SupervisedCriterion(new SupervisedCriterionOptions { Type = "ohem", MinKept = 10, AuxWeight = 0.4 }).Compute(logits, labels, logits);
        var score = ImasHardness.Score(logits, teacher, 0.7);
        var imas = ImasUnsupervisedLoss.Compute(logits, labels, F.Softmax(teacher, 1).Max(1).Values, 0.7, score);
        var targets = ContrastiveTargets.Build(labels, labels, partition, 20, NegativeSource.Unreliable, 3, 3, 4);
        var mixed = ImasAugmentation.CutMix(teacher, labels, teacher.Select(1, 0), ImasAugmentation.EasyHardPartners(score), new[] { 0.3, 0.6 }, generator);
        (unsup + sup + imas).Backward();
        Assert.True(double.IsFinite(targets.LowMask.Sum().Item() + mixed.Images.Sum().Item()));
    }
}
