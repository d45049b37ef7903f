using System.Text.Json;
using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

[Collection(SerialTensorCountCollection.Name)]
public class ContrastiveLossTests
{
    private sealed record Setup(ContrastiveLoss Loss, ContrastiveInputs Inputs, CategoryMemoryBank Bank, JsonElement Fixture) : IDisposable
    {
        public void Dispose() => Bank.Dispose();
    }

    private static Setup FromFixture(string name, Func<ContrastiveOptions, ContrastiveOptions>? adjust = null)
    {
        var f = LossFixtures.Case(name);
        var classes = f.Int("num_classes");
        var queueSizes = f.GetProperty("queue_sizes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var options = new ContrastiveOptions
        {
            NumQueries = f.Int("num_queries"), NumNegatives = f.Int("num_negatives"), Temperature = f.Number("temperature"),
            LowRank = f.Int("low_rank"), HighRank = f.Int("high_rank"), NegativeRuleName = f.GetProperty("rule").GetString()!,
            QueueSize = queueSizes[1], BackgroundQueueSize = queueSizes[0],
        };
        options = adjust?.Invoke(options) ?? options;
        var rep = f.Tensor("rep");
        var bank = CategoryMemoryBank.FromOptions(options, classes, rep.Size(1));
        var initial = f.GetProperty("initial_bank").EnumerateArray().Select(LossFixtures.ToTensor).ToArray();
        bank.SetState(Enumerable.Range(0, classes).ToDictionary(CategoryMemoryBank.StateKey, c => initial[c]));
        var targets = ContrastiveTargets.FromParts(f.Tensor("labels"), f.Tensor("low_mask"), f.Tensor("high_mask"), f.Int("num_labeled"), classes);
        var inputs = new ContrastiveInputs(rep.RequiresGrad_(), f.Tensor("rep_teacher"), f.Tensor("prob"), targets);
        return new Setup(new ContrastiveLoss(options, classes), inputs, bank, f);
    }

    [Theory]
    [InlineData("contrastive_official")]
    [InlineData("contrastive_paper")]
    public void MatchesTheOfficialAlgorithmWithTheSameRandomDraws(string name)
    {
        using var scope = Torch.NewDisposeScope();
        using var setup = FromFixture(name);
        var f = setup.Fixture;
        var negatives = ProbabilityRankNegatives.Mask(setup.Inputs.TeacherProbabilities, setup.Inputs.Targets, f.Int("low_rank"), f.Int("high_rank"),
                                                      rule: setup.Loss.Options.NegativeRule);
        TensorAssert.Equal(f.Tensor("negative_mask"), negatives, "negative mask");
        using var generator = new Generator((ulong)f.GetProperty("seed").GetInt64());
        var loss = setup.Loss.Compute(setup.Inputs, setup.Bank, generator);
        TensorAssert.Close(f.Number("loss"), loss.Item(), 1e-5, "contrastive loss");
        var finalBank = f.GetProperty("final_bank").EnumerateArray().Select(LossFixtures.ToTensor).ToArray();
        for (var c = 0; c < finalBank.Length; c++) TensorAssert.Close(finalBank[c], setup.Bank.Snapshot(c), 1e-6, $"bank class {c}");
    }

    [Fact]
    public void GradientFlowsToTheStudentAndTheStepLeavesNoTensorBehind()
    {
        using var setupScope = Torch.NewDisposeScope();
        using var setup = FromFixture("contrastive_paper");
        using var generator = new Generator(3);
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        using (var scope = Torch.NewDisposeScope())
        {
            var loss = setup.Loss.Compute(setup.Inputs, setup.Bank, generator);
            loss.Backward();
        }
        var grad = setup.Inputs.StudentRepresentations.Grad!;
        Assert.True(grad.Abs().Sum().Item() > 0);
        grad.Dispose();
        setup.Inputs.StudentRepresentations.Grad = null;
        // The bank may have grown its rings (at most one per class); the step itself kept nothing.
        Assert.InRange(Tensor.LiveCount - before, 0, setup.Bank.NumClasses);
    }

    [Fact]
    public void BinaryVariantAndNoBankVariantGiveFiniteLosses()
    {
        using var scope = Torch.NewDisposeScope();
        using (var binary = FromFixture("contrastive_paper", o => o with { Binary = true }))
        using (var generator = new Generator(1))
        {
            var value = binary.Loss.Compute(binary.Inputs, binary.Bank, generator).Item();
            Assert.True(double.IsFinite(value) && value > 0);
        }
        using (var noBank = FromFixture("contrastive_paper", o => o with { UseMemoryBank = false }))
        using (var generator = new Generator(1))
        {
            var counts = Enumerable.Range(0, noBank.Bank.NumClasses).Select(noBank.Bank.Count).ToArray();
            var value = noBank.Loss.Compute(noBank.Inputs, null, generator).Item();
            Assert.True(double.IsFinite(value) && value > 0);
            Assert.Equal(counts, Enumerable.Range(0, noBank.Bank.NumClasses).Select(noBank.Bank.Count).ToArray());   // untouched
        }
    }

    [Fact]
    public void AnchorEmaBlendsTheCentreIntoAPrototype()
    {
        using var scope = Torch.NewDisposeScope();
        using var setup = FromFixture("contrastive_paper", o => o with { AnchorEma = true });
        using var prototypes = new ClassPrototypes(setup.Loss.NumClasses, setup.Inputs.StudentRepresentations.Size(1));
        using var generator = new Generator(1);
        var value = setup.Loss.Compute(setup.Inputs, setup.Bank, generator, prototypes, iteration: 10).Item();
        Assert.True(double.IsFinite(value));
        Assert.True(prototypes.HasCentre(0));
        // A second centre at iteration 10 moves the prototype by 1 - 0.9 = 10% of the way.
        var state = prototypes.GetState();
        var before = state["centres"];
        var target = Torch.Ones(new[] { setup.Inputs.StudentRepresentations.Size(1) });
        var updated = prototypes.Update(0, target, 10);
        var expected = before.Select(0, 0) * 0.9 + target * 0.1;
        TensorAssert.Close(expected, updated, 1e-6, "prototype");
        foreach (var t in state.Values) t.Dispose();
    }

    [Fact]
    public void OneClassPresentGivesZeroButKeepsTheGraph()
    {
        using var scope = Torch.NewDisposeScope();
        using var draws = new Generator(2);
        var rep = Torch.Randn(new long[] { 2, 3, 2, 2 }, draws).RequiresGrad_();
        var prob = F.Softmax(Torch.Randn(new long[] { 2, 3, 2, 2 }, draws), 1);
        var labels = Torch.Zeros(new long[] { 2, 2, 2 }, ScalarType.Int64);
        var ones = Torch.Ones(new long[] { 2, 2, 2 }, ScalarType.Bool);
        var targets = ContrastiveTargets.FromParts(labels, ones, ones, 1, 3);
        using var bank = new CategoryMemoryBank(3, 3);
        using var generator = new Generator(1);
        var loss = new ContrastiveLoss(new ContrastiveOptions { LowRank = 1, HighRank = 3 }, 3).Compute(new ContrastiveInputs(rep, rep.Detach(), prob, targets), bank, generator);
        Assert.Equal(0.0, loss.Item());
        loss.Backward();
        Assert.NotNull(rep.Grad);
    }

    [Fact]
    public void RequiresABankWhenConfiguredToUseOne()
    {
        using var scope = Torch.NewDisposeScope();
        using var setup = FromFixture("contrastive_paper");
        using var generator = new Generator(1);
        Assert.Contains("use_memory_bank", Assert.Throws<ArgumentException>(() => setup.Loss.Compute(setup.Inputs, null, generator)).Message);
    }
}
