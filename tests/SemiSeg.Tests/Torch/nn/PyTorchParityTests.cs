using SemiSeg.Torch.nn;
using SemiSeg.Torch.Serialization;
using TorchApi = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Torch.nn;

/// <summary>Layers against numbers PyTorch wrote (tools/make_nn_fixtures.py).</summary>
public class PyTorchParityTests
{
    [Fact]
    public void StateDictSavedByPythonLoadsAndGivesPyTorchsOutput()
    {
        using var model = new TinyNet(new Generator(9));
        var report = TorchFile.LoadStateDict(NnFixtures.Path("tiny_state.pth"), model);
        Assert.True(report.IsExact, report.ToString());
        Assert.Equal(33, report.LoadedKeys.Count);
        Assert.Equal(3, model.Bn.NumBatchesTracked.ItemInt());   // three training forwards in Python

        using var io = TorchFile.LoadDict(NnFixtures.Path("tiny_io.pth"));
        using var scope = TorchApi.NewDisposeScope();
        model.Eval();
        var output = model.Forward(io.GetTensor("input"));
        Assert.True(NnFixtures.MaxAbsDiff(output, io.GetTensor("output")) < 1e-5);
    }

    [Fact]
    public void StateDictValuesEqualTheFileEntryForEntry()
    {
        using var state = TorchFile.LoadDict(NnFixtures.Path("tiny_state.pth"));
        using var model = new TinyNet(new Generator(9));
        model.LoadStateDict(state.ToTensors());
        // Same keys, same order, equal values, including the int64 counters.
        Assert.Equal(state.Keys.Select(k => k.AsString()), model.StateDict().Select(e => e.Key));
        foreach (var (key, tensor) in model.StateDict())
        {
            var saved = state.GetTensor(key);
            Assert.Equal(saved.Dtype, tensor.Dtype);
            Assert.Equal(0.0, NnFixtures.MaxAbsDiff(saved, tensor));
        }
        Assert.Equal(ScalarType.Int64, state.GetTensor("layer1.0.bn1.num_batches_tracked").Dtype);
    }

    [Theory]
    [InlineData("momentum_0.1", 0.1)]
    [InlineData("momentum_none", null)]
    public void BatchNormRunningStatisticsMatchPyTorch(string variant, double? momentum)
    {
        using var file = TorchFile.LoadDict(NnFixtures.Path("batchnorm.pth"));
        var expected = file.GetDict(variant);
        using var bn = new BatchNorm2d(3, momentum: momentum);
        using var scope = TorchApi.NewDisposeScope();
        Tensor? last = null;
        foreach (var input in file.GetList("inputs")) last = bn.Forward(input.AsTensor());
        Assert.True(NnFixtures.MaxAbsDiff(bn.RunningMean, expected.GetTensor("running_mean")) < 1e-5);
        Assert.True(NnFixtures.MaxAbsDiff(bn.RunningVar, expected.GetTensor("running_var")) < 1e-5);
        Assert.Equal(expected.GetTensor("num_batches_tracked").ItemInt(), bn.NumBatchesTracked.ItemInt());
        Assert.True(NnFixtures.MaxAbsDiff(last!, expected.GetTensor("last_output")) < 1e-5);
        // The inputs have means 0, 1, 2, so the two momenta end far apart: the test tells them apart.
        var other = file.GetDict(momentum is null ? "momentum_0.1" : "momentum_none");
        Assert.True(NnFixtures.MaxAbsDiff(bn.RunningMean, other.GetTensor("running_mean")) > 0.5);
    }

    [Fact]
    public void BatchNormRefusesOneValuePerChannelInTrainingAsPyTorchDoes()
    {
        using var bn = new BatchNorm2d(2);
        using var scope = TorchApi.NewDisposeScope();
        var single = TorchApi.Ones(new long[] { 1, 2, 1, 1 });
        Assert.Contains("more than one value per channel", Assert.Throws<ArgumentException>(() => bn.Forward(single)).Message);
        Assert.Equal(0, bn.NumBatchesTracked.ItemInt());
        bn.Eval();
        Assert.Equal(new long[] { 1, 2, 1, 1 }, bn.Forward(single).Shape);
    }

    [Fact]
    public void DefaultInitialisationDrawsPyTorchsNumbersFromASeededGenerator()
    {
        using var file = TorchFile.LoadDict(NnFixtures.Path("init.pth"));
        using var generator = new Generator(5);   // Python: torch.manual_seed(5), then the same two layers
        using var conv = new Conv2d(3, 4, 3, generator: generator);
        using var linear = new Linear(6, 5, generator: generator);
        Assert.True(NnFixtures.MaxAbsDiff(conv.Weight, file.GetTensor("conv.weight")) < 1e-7);
        Assert.True(NnFixtures.MaxAbsDiff(conv.Bias!, file.GetTensor("conv.bias")) < 1e-7);
        Assert.True(NnFixtures.MaxAbsDiff(linear.Weight, file.GetTensor("linear.weight")) < 1e-7);
        Assert.True(NnFixtures.MaxAbsDiff(linear.Bias!, file.GetTensor("linear.bias")) < 1e-7);
        // The bounds: U(-1/sqrt(27), 1/sqrt(27)) for the conv, 1/sqrt(6) for the linear layer.
        using var scope = TorchApi.NewDisposeScope();
        Assert.True(conv.Weight.Abs().Max().Item() <= 1 / Math.Sqrt(27));
        Assert.True(linear.Weight.Abs().Max().Item() <= 1 / Math.Sqrt(6));
    }

    [Fact]
    public void DropoutWithAGeneratorDrawsTheMaskATenDraws()
    {
        using var file = TorchFile.LoadDict(NnFixtures.Path("dropout.pth"));
        using var scope = TorchApi.NewDisposeScope();
        using var channels = new Dropout2d(0.5, new Generator(7));
        var y2d = channels.Forward(TorchApi.Ones(new long[] { 2, 8, 3, 3 }));
        Assert.Equal(0.0, NnFixtures.MaxAbsDiff(y2d, file.GetTensor("dropout2d")));
        using var elements = new Dropout(0.3, new Generator(7));
        var y = elements.Forward(TorchApi.Ones(new long[] { 4, 5 }));
        Assert.True(NnFixtures.MaxAbsDiff(y, file.GetTensor("dropout")) < 1e-6);
        // Eval is the identity.
        channels.Eval();
        Assert.Equal(0.0, NnFixtures.MaxAbsDiff(channels.Forward(TorchApi.Ones(new long[] { 2, 8, 3, 3 })), TorchApi.Ones(new long[] { 2, 8, 3, 3 })));
    }

    [Fact]
    public void Dropout2dWithoutAGeneratorZeroesWholeChannelsAndRescales()
    {
        using var scope = TorchApi.NewDisposeScope();
        using var dropout = new Dropout2d(0.5);
        var y = dropout.Forward(TorchApi.Ones(new long[] { 4, 64, 2, 2 }));
        var perChannel = y.Reshape(4 * 64, 4);
        var min = perChannel.Min(1).Values.ToArray<float>();
        var max = perChannel.Max(1).Values.ToArray<float>();
        Assert.Equal(min, max);                                   // a channel is kept or dropped whole
        Assert.All(min, v => Assert.True(v == 0f || v == 2f));   // kept ones are scaled by 1 / (1 - p)
        var dropped = min.Count(v => v == 0f);
        Assert.InRange(dropped, 128 - 40, 128 + 40);              // 256 channels at p = 0.5: 128 +- 5 sigma
    }
}
