using SemiSeg.Torch.nn;
using TorchApi = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Torch.nn;

public class LoadStateDictTests
{
    [Fact]
    public void StateDictNamesFollowPyTorchForNestedSequentials()
    {
        using var model = new TinyNet(new Generator(1));
        var keys = model.StateDict().Select(e => e.Key).ToList();
        // The order PyTorch's model.state_dict() gives for the same network (tools/make_nn_fixtures.py).
        Assert.Equal(new[] { "stem.weight", "stem.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked" },
                     keys.Take(7));
        Assert.Contains("layer1.0.conv1.weight", keys);
        Assert.Contains("layer1.1.bn2.num_batches_tracked", keys);
        Assert.DoesNotContain("layer1.0.conv1.bias", keys);   // bias=False leaves no entry
        Assert.Equal(new[] { "fc.weight", "fc.bias" }, keys.TakeLast(2));
        Assert.Equal(7 + 2 * 12 + 2, keys.Count);   // 33, as len(model.state_dict()) in Python
    }

    [Fact]
    public void StrictLoadCopiesValuesIntoTheModulesOwnTensors()
    {
        using var source = new TinyNet(new Generator(1));
        using var target = new TinyNet(new Generator(2));
        var weightObject = target.Fc.Weight;
        var report = target.LoadStateDict(source.StateDict());
        Assert.True(report.IsExact);
        Assert.Equal(33, report.LoadedKeys.Count);
        Assert.Same(weightObject, target.Fc.Weight);
        Assert.False(weightObject.IsSame(source.Fc.Weight));   // copied, not shared
        Assert.Equal(source.Fc.Weight.ToArray<float>(), target.Fc.Weight.ToArray<float>());
        Assert.True(target.Fc.Weight.RequiresGrad);
    }

    [Fact]
    public void StrictLoadNamesEveryProblemAndLoadsNothing()
    {
        using var target = new TinyNet(new Generator(2));
        var before = target.Stem.Weight.ToArray<float>();
        using var scope = TorchApi.NewDisposeScope();
        var entries = target.StateDict().Where(e => e.Key != "fc.bias")
            .Select(e => e.Key == "stem.weight" ? new KeyValuePair<string, Tensor>(e.Key, TorchApi.Ones(new long[] { 4, 3, 3, 3 })) : e)
            .Select(e => e.Key == "fc.weight" ? new KeyValuePair<string, Tensor>(e.Key, TorchApi.Zeros(new long[] { 6, 4 })) : e)
            .Append(new KeyValuePair<string, Tensor>("head.weight", TorchApi.Zeros(new long[] { 2 })))
            .ToList();

        var error = Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(entries));
        Assert.Equal(new[] { "fc.bias" }, error.Report.MissingKeys);
        Assert.Equal(new[] { "head.weight" }, error.Report.UnexpectedKeys);
        var mismatch = Assert.Single(error.Report.ShapeMismatches);
        Assert.Equal("fc.weight", mismatch.Key);
        Assert.Equal(new long[] { 5, 4 }, mismatch.Expected);
        Assert.Equal(new long[] { 6, 4 }, mismatch.Found);
        Assert.Contains("Missing key(s): \"fc.bias\"", error.Message);
        Assert.Contains("Unexpected key(s): \"head.weight\"", error.Message);
        Assert.Contains("Size mismatch for fc.weight: the module has [5, 4], the state dict [6, 4]", error.Message);
        // stem.weight matched, but a strict failure must not have loaded it.
        Assert.Equal(before, target.Stem.Weight.ToArray<float>());
    }

    [Fact]
    public void LenientLoadTakesWhatMatchesAndReportsTheRest()
    {
        using var target = new TinyNet(new Generator(2));
        var fcBefore = target.Fc.Weight.ToArray<float>();
        using var scope = TorchApi.NewDisposeScope();
        var entries = new List<KeyValuePair<string, Tensor>>
        {
            new("stem.weight", TorchApi.Full(new long[] { 4, 3, 3, 3 }, 0.25)),
            new("fc.weight", TorchApi.Zeros(new long[] { 6, 4 })),
            new("aux.weight", TorchApi.Zeros(new long[] { 1 })),
        };
        var report = target.LoadStateDict(entries, strict: false);
        Assert.Equal(new[] { "stem.weight" }, report.LoadedKeys);
        Assert.Equal(new[] { "aux.weight" }, report.UnexpectedKeys);
        Assert.Equal("fc.weight", Assert.Single(report.ShapeMismatches).Key);
        // 33 keys less the loaded and the mis-shaped one; the five BatchNorm counters are defaulted, not missing.
        Assert.Equal(33 - 2 - 5, report.MissingKeys.Count);
        Assert.Equal(5, report.DefaultedKeys.Count);
        Assert.All(target.Stem.Weight.ToArray<float>(), v => Assert.Equal(0.25f, v));
        Assert.Equal(fcBefore, target.Fc.Weight.ToArray<float>());
    }

    [Fact]
    public void StripsTheDataParallelPrefixAndSelectsASubDict()
    {
        using var source = new TinyNet(new Generator(1));
        using var target = new TinyNet(new Generator(2));
        var wrapped = source.StateDict().Select(e => new KeyValuePair<string, Tensor>("module." + e.Key, e.Value)).ToList();
        Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(wrapped));
        Assert.True(target.LoadStateDict(wrapped, stripPrefix: "module.").IsExact);
        Assert.Equal(source.Stem.Bias!.ToArray<float>(), target.Stem.Bias!.ToArray<float>());

        // A part of a bigger model: only "encoder." keys are taken, the decoder's are ignored.
        using var block = new TinyNet.Block(4, new Generator(3));
        var checkpoint = source.StateDict("encoder").Concat(new[] { new KeyValuePair<string, Tensor>("decoder.weight", source.Fc.Weight) });
        var report = block.LoadStateDict(checkpoint, selectPrefix: "encoder.layer1.1.");
        Assert.True(report.IsExact);
        Assert.Equal(12, report.LoadedKeys.Count);
        var expected = source.StateDict().Single(e => e.Key == "layer1.1.conv2.weight").Value;
        var loaded = block.StateDict().Single(e => e.Key == "conv2.weight").Value;
        Assert.Equal(expected.ToArray<float>(), loaded.ToArray<float>());
    }

    [Fact]
    public void AbsentBatchNormCounterIsSetToZeroNotReportedMissing()
    {
        // Checkpoints from before PyTorch 0.4.1 (such as old ImageNet weights) have no num_batches_tracked.
        using var bn = new BatchNorm2d(3);
        using (TorchApi.NewDisposeScope()) bn.Forward(TorchApi.Randn(new long[] { 2, 3, 2, 2 }, new Generator(0)));
        Assert.Equal(1, bn.NumBatchesTracked.ItemInt());
        var old = bn.StateDict().Where(e => e.Key != "num_batches_tracked").ToList();
        var report = bn.LoadStateDict(old);
        Assert.True(report.IsExact);
        Assert.Equal(new[] { "num_batches_tracked" }, report.DefaultedKeys);
        Assert.Equal(0, bn.NumBatchesTracked.ItemInt());
    }

    [Fact]
    public void KeysThatCollideAfterStrippingAreAnError()
    {
        using var linear = new Linear(2, 2, generator: new Generator(0));
        var entries = new[] { new KeyValuePair<string, Tensor>("weight", linear.Weight), new KeyValuePair<string, Tensor>("module.weight", linear.Weight) };
        var error = Assert.Throws<ArgumentException>(() => linear.LoadStateDict(entries, stripPrefix: "module."));
        Assert.Contains("'weight' and 'module.weight' both become 'weight'", error.Message);
    }

    [Fact]
    public void ConvertingKeepsEveryTensorObjectAndItsRole()
    {
        using var model = new TinyNet(new Generator(1));
        model.Eval();
        using var scope = TorchApi.NewDisposeScope();
        var input = TorchApi.Randn(new long[] { 2, 3, 8, 8 }, new Generator(0));
        var before = model.Forward(input);
        var weight = model.Fc.Weight;

        model.To(Device.CPU);   // already there: nothing changes
        model.To(ScalarType.Float64);
        Assert.Same(weight, model.Fc.Weight);   // the object an optimizer holds stays valid
        Assert.Equal(ScalarType.Float64, weight.Dtype);
        Assert.True(weight.RequiresGrad);
        Assert.True(weight.IsLeaf);
        Assert.Equal(ScalarType.Float64, model.Bn.RunningVar.Dtype);
        Assert.Equal(ScalarType.Int64, model.Bn.NumBatchesTracked.Dtype);   // integer buffers keep their type
        var after = model.Forward(input.To(ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, after.Dtype);
        Assert.True(NnFixtures.MaxAbsDiff(before, after) < 1e-5);
        Assert.Throws<ArgumentException>(() => model.To(ScalarType.Int32));
    }
}
