using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

public class SupervisedLossTests
{
    [Fact]
    public void OhemMatchesTheOfficialTensorVersionForEveryMinKept()
    {
        using var scope = Torch.NewDisposeScope();
        var fixture = LossFixtures.Case("ohem");
        var logits = fixture.Tensor("logits");
        var labels = fixture.Tensor("labels");
        foreach (var c in fixture.GetProperty("cases").EnumerateArray())
        {
            var ohem = new OhemCrossEntropy(fixture.Number("thresh"), c.GetProperty("min_kept").GetInt64());
            TensorAssert.Equal(c.Tensor("target"), ohem.MinedTarget(logits, labels), $"mined target, min_kept {ohem.MinKept}");
            TensorAssert.Close(c.Number("loss"), ohem.Compute(logits, labels).Item(), 1e-5, $"loss, min_kept {ohem.MinKept}");
        }
    }

    [Fact]
    public void OhemKeepsPixelsUpToTheLargerOfThreshAndTheKthProbability()
    {
        using var scope = Torch.NewDisposeScope();
        // 2 classes; true-class probabilities sigmoid(d) for d = logit gap
        var gaps = new[] { -2.0f, 0.0f, 1.0f, 3.0f };                 // p = 0.119, 0.5, 0.731, 0.953
        var logits = Torch.Stack(new[] { Tensor.From(gaps, 1, 1, 4), Torch.Zeros(new long[] { 1, 1, 4 }) }, 1);   // (1, 2, 1, 4)
        var labels = Tensor.From(new long[] { 0, 0, 0, 0 }, 1, 1, 4);
        // min_kept 1: kth = 0.119 < 0.7 -> threshold 0.7 keeps the first two
        Assert.Equal(new long[] { 0, 0, 255, 255 }, new OhemCrossEntropy(0.7, 1).MinedTarget(logits, labels).ToArray<long>());
        // min_kept 3: kth = 0.731 > 0.7 -> keeps three
        Assert.Equal(new long[] { 0, 0, 0, 255 }, new OhemCrossEntropy(0.7, 3).MinedTarget(logits, labels).ToArray<long>());
        // min_kept 5 > 4 labelled pixels: no mining
        Assert.Equal(new long[] { 0, 0, 0, 0 }, new OhemCrossEntropy(0.7, 5).MinedTarget(logits, labels).ToArray<long>());
        var expected = (Math.Log(1 + Math.Exp(2)) + Math.Log(2)) / 2;     // mean CE of the two kept pixels
        Assert.Equal(expected, new OhemCrossEntropy(0.7, 1).Compute(logits, labels).Item(), 5);
    }

    [Fact]
    public void AuxiliaryLossIsAddedWithItsWeight()
    {
        using var scope = Torch.NewDisposeScope();
        var generator = new Generator(7);
        var main = Torch.Randn(new long[] { 2, 3, 4, 4 }, generator);
        var aux = Torch.Randn(new long[] { 2, 3, 4, 4 }, generator);
        var labels = Torch.Randint(0, 3, new long[] { 2, 4, 4 }, generator);
        labels.Select(0, 0).Select(0, 0).FillInPlace(255);
        var plain = new SupervisedCriterion(new SupervisedCriterionOptions());
        var withAux = new SupervisedCriterion(new SupervisedCriterionOptions { AuxWeight = 0.4 });
        var ceMain = F.CrossEntropy(main, labels, ignoreIndex: 255).Item();
        var ceAux = F.CrossEntropy(aux, labels, ignoreIndex: 255).Item();
        Assert.Equal(ceMain, plain.Compute(main, labels, aux).Item(), 6);
        Assert.Equal(ceMain + 0.4 * ceAux, withAux.Compute(main, labels, aux).Item(), 5);
        var ohem = new SupervisedCriterion(new SupervisedCriterionOptions { Type = "ohem", MinKept = 10, AuxWeight = 0.4 });
        var ohemExpected = new OhemCrossEntropy(0.7, 10).Compute(main, labels).Item() + 0.4 * new OhemCrossEntropy(0.7, 10).Compute(aux, labels).Item();
        Assert.Equal(ohemExpected, ohem.Compute(main, labels, aux).Item(), 5);
        Assert.Throws<ArgumentException>(() => withAux.Compute(main, labels));
        var small = Torch.Zeros(new long[] { 2, 3, 2, 2 });
        Assert.Contains("resize the logits", Assert.Throws<ArgumentException>(() => plain.Compute(small, labels)).Message);
        generator.Dispose();
    }
}
