using SemiSeg.Torch.optim;
using SemiSeg.Torch.Serialization;
using SemiSeg.Tests.Torch.nn;
using TorchApi = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Torch.optim;

/// <summary>SGD and the poly schedule against torch.optim (tools/make_nn_fixtures.py, sgd.pth).</summary>
public sealed class SgdTests : IDisposable
{
    private readonly TorchDict file = TorchFile.LoadDict(NnFixtures.Path("sgd.pth"));
    private readonly Tensor weight;
    private readonly Tensor bias;

    public SgdTests()
    {
        var start = file.GetDict("start");
        weight = start.GetTensor("weight").Clone().DetachFromDisposeScope().RequiresGrad_();
        bias = start.GetTensor("bias").Clone().DetachFromDisposeScope().RequiresGrad_();
    }

    /// <summary>momentum 0.9, weight decay 1e-4, two groups with lr 0.1 (weight) and 0.01 (bias), as in the script.</summary>
    private SGD NewOptimizer() =>
        new(new[] { new ParamGroup(new[] { weight }, lr: 0.1), new ParamGroup(new[] { bias }, lr: 0.01) }, momentum: 0.9, weightDecay: 1e-4);

    /// <summary>One step of the script's least-squares problem: mean((x W^T + b - y)^2).</summary>
    private double Step(SGD optimizer)
    {
        using var scope = TorchApi.NewDisposeScope();
        optimizer.ZeroGrad();
        var residual = file.GetTensor("x").Matmul(weight.Transpose(0, 1)) + bias - file.GetTensor("y");
        var loss = residual.Pow(2).Mean();
        loss.Backward();
        optimizer.Step();
        return loss.Item();
    }

    [Fact]
    public void EveryStepMatchesTorchOptimSgd()
    {
        using var optimizer = NewOptimizer();
        var steps = file.GetList("steps");
        Assert.Equal(5, steps.Count);
        foreach (var expected in steps.Select(s => s.AsDict()))
        {
            var loss = Step(optimizer);
            Assert.True(Math.Abs(loss - expected.GetDouble("loss")) < 1e-6);
            Assert.True(NnFixtures.MaxAbsDiff(weight, expected.GetTensor("weight")) < 1e-6);
            Assert.True(NnFixtures.MaxAbsDiff(bias, expected.GetTensor("bias")) < 1e-6);
        }
        // The problem moves: the last step is far from the start, so matching is not trivial.
        Assert.True(NnFixtures.MaxAbsDiff(weight, file.GetDict("start").GetTensor("weight")) > 0.1);
    }

    [Fact]
    public void StateDictHasPyTorchsLayoutAndBuffers()
    {
        using var optimizer = NewOptimizer();
        for (var k = 0; k < 5; k++) Step(optimizer);
        using var state = optimizer.StateDict();
        var python = file.GetDict("optimizer");
        Assert.Equal(new TorchKey[] { "state", "param_groups" }, state.Keys);
        Assert.Equal(new TorchKey[] { 0L, 1L }, state.GetDict("state").Keys);
        for (var id = 0; id < 2; id++)
        {
            var ours = state.GetDict("state").GetDict(id).GetTensor("momentum_buffer");
            var theirs = python.GetDict("state").GetDict(id).GetTensor("momentum_buffer");
            Assert.True(NnFixtures.MaxAbsDiff(ours, theirs) < 1e-6);
        }
        var groups = state.GetList("param_groups").Select(g => g.AsDict()).ToList();
        var pythonGroups = python.GetList("param_groups").Select(g => g.AsDict()).ToList();
        for (var g = 0; g < 2; g++)
        {
            foreach (var key in new[] { "lr", "momentum", "dampening", "weight_decay" })
                Assert.Equal(pythonGroups[g].GetDouble(key), groups[g].GetDouble(key));
            Assert.Equal(pythonGroups[g].GetBool("nesterov"), groups[g].GetBool("nesterov"));
            Assert.Equal(pythonGroups[g].GetList("params").Select(p => p.AsInt()), groups[g].GetList("params").Select(p => p.AsInt()));
            // Every key PyTorch writes is there (ours adds "initial_lr", as PyTorch's schedulers do).
            Assert.Empty(pythonGroups[g].Keys.Except(groups[g].Keys));
        }
    }

    [Fact]
    public void ResumingFromPyTorchsOptimizerStateContinuesExactly()
    {
        using var reference = NewOptimizer();
        for (var k = 0; k < 5; k++) Step(reference);
        var afterFive = (weight.Clone().DetachFromDisposeScope(), bias.Clone().DetachFromDisposeScope());
        Step(reference);
        using var expectedWeight = weight.Clone().DetachFromDisposeScope();

        // Back to the parameters after five steps, with a fresh optimizer given PyTorch's state.
        using (TorchApi.NoGrad()) { weight.CopyInPlace(afterFive.Item1); bias.CopyInPlace(afterFive.Item2); }
        afterFive.Item1.Dispose();
        afterFive.Item2.Dispose();
        using var resumed = new SGD(new[] { new ParamGroup(new[] { weight }, lr: 1), new ParamGroup(new[] { bias }, lr: 1) }, momentum: 0.9, weightDecay: 0);
        resumed.LoadStateDict(file.GetDict("optimizer"));
        Assert.Equal(0.1, resumed.Groups[0].LearningRate);
        Assert.Equal(1e-4, resumed.Groups[1].WeightDecay);
        Step(resumed);
        Assert.True(NnFixtures.MaxAbsDiff(weight, expectedWeight) < 1e-6);
    }

    [Fact]
    public void StateDictSurvivesAFileAndRejectsAnotherShape()
    {
        using var optimizer = NewOptimizer();
        Step(optimizer);
        var path = Path.Combine(Path.GetTempPath(), $"sgd-{Guid.NewGuid():N}.pth");
        try
        {
            using (var state = optimizer.StateDict()) TorchFile.Save(path, state);
            using var loaded = TorchFile.LoadDict(path);
            using var copy = NewOptimizer();
            copy.LoadStateDict(loaded);
            Assert.Equal(0.0, NnFixtures.MaxAbsDiff(copy.MomentumBuffer(weight)!, optimizer.MomentumBuffer(weight)!));

            using var other = new SGD(new[] { new ParamGroup(new[] { weight, bias }, lr: 0.1) }, momentum: 0.9);
            var error = Assert.Throws<ArgumentException>(() => other.LoadStateDict(loaded));
            Assert.Contains("2 param groups, this optimizer 1", error.Message);
            using var noMomentum = new SGD(new[] { new ParamGroup(new[] { weight }, lr: 0.1), new ParamGroup(new[] { bias }, lr: 0.01) });
            Assert.Contains("momentum 0.9, this optimizer 0", Assert.Throws<ArgumentException>(() => noMomentum.LoadStateDict(loaded)).Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void PolyScheduleMatchesPolynomialLR()
    {
        var expected = file.GetList("poly_lr").Select(v => v.AsDouble()).ToArray();
        Assert.Equal(13, expected.Length);
        for (var iteration = 0; iteration < expected.Length; iteration++)
            Assert.True(Math.Abs(PolyLR.At(0.5, iteration, 10) - expected[iteration]) < 1e-12, $"iteration {iteration}");

        using var optimizer = NewOptimizer();
        PolyLR.Apply(optimizer, 4, 10);
        Assert.Equal(0.1 * Math.Pow(0.6, 0.9), optimizer.Groups[0].LearningRate, 12);
        Assert.Equal(0.01 * Math.Pow(0.6, 0.9), optimizer.Groups[1].LearningRate, 12);
    }

    [Fact]
    public void AParameterInTwoGroupsIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SGD(new[] { new ParamGroup(new[] { weight }, 0.1), new ParamGroup(new[] { weight }, 0.1) }));
        Assert.Contains("more than one param group", error.Message);
    }

    public void Dispose()
    {
        weight.Dispose();
        bias.Dispose();
        file.Dispose();
    }
}
