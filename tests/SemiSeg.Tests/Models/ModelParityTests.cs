using Xunit.Abstractions;
using SemiSeg.Models;
using SemiSeg.Torch.nn;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Models;

/// <summary>
/// A ResNet-18 DeepLabv3+ with representation and aux heads (narrow, output stride 8, multi-grid), its
/// PyTorch weights copied in by name, computes PyTorch's outputs on a 2x3x65x65 input: in eval mode, and
/// in train mode where batch statistics normalise and the running statistics move the same way.
/// </summary>
public class ModelParityTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-4;
    private static readonly TensorBlob Blob = new("parity");

    private static SegmentationModel BuildWithFixtureWeights(double dropout)
    {
        var model = ModelBuilder.Build(ModelFixtures.FromSpec(Blob.Meta.GetProperty("config"), dropout));
        Blob.CopyInto(model, "state/");
        return model;
    }

    private static double MaxAbsDifference(Tensor a, Tensor b)
    {
        Assert.Equal(b.Shape, a.Shape);
        using var scope = T.NewDisposeScope();
        return (a - b).Abs().Max().Item();
    }

    private static double MaxAbs(Tensor a)
    {
        using var scope = T.NewDisposeScope();
        return a.Abs().Max().Item();
    }

    [Fact]
    public void EvalForwardMatchesPyTorch()
    {
        using var model = BuildWithFixtureWeights(dropout: 0.1);
        model.Eval();
        using var scope = T.NewDisposeScope();
        using var noGrad = T.NoGrad();
        using var output = model.Forward(Blob.Get("input"));
        foreach (var (name, actual) in new[] { ("pred", output.Prediction), ("rep", output.Representation!), ("aux", output.Auxiliary!) })
        {
            var expected = Blob.Get("eval/" + name);
            Assert.True(MaxAbs(expected) > 0.1, $"{name}: the reference output is too small to test anything");
            var difference = MaxAbsDifference(actual, expected);
            log.WriteLine($"eval {name}: max |ours - PyTorch| = {difference:E2} (max |PyTorch| = {MaxAbs(expected):F3})");
            Assert.True(difference < Tolerance, $"eval {name}: max |ours - PyTorch| = {difference:E2}");
        }
    }

    [Fact]
    public void TrainForwardMatchesPyTorchAndUpdatesBatchNormStatisticsTheSameWay()
    {
        // Dropout off on both sides so that the train-mode forward is deterministic.
        using var model = BuildWithFixtureWeights(dropout: 0.0);
        model.Train();
        using var scope = T.NewDisposeScope();
        using var output = model.Forward(Blob.Get("input"));
        foreach (var (name, actual) in new[] { ("pred", output.Prediction), ("rep", output.Representation!), ("aux", output.Auxiliary!) })
        {
            var difference = MaxAbsDifference(actual, Blob.Get("train/" + name));
            log.WriteLine($"train {name}: max |ours - PyTorch| = {difference:E2}");
            Assert.True(difference < Tolerance, $"train {name}: max |ours - PyTorch| = {difference:E2}");
        }
        var buffers = model.StateDict().Where(e => e.Key.Contains("running_") || e.Key.Contains("num_batches_tracked")).ToArray();
        Assert.Equal(Blob.Names.Count(n => n.StartsWith("train_state/")), buffers.Length);
        var worst = 0.0;
        foreach (var (key, buffer) in buffers)
        {
            var expected = Blob.Get("train_state/" + key);
            if (key.EndsWith("num_batches_tracked"))
            {
                Assert.Equal(expected.ItemInt(), buffer.ItemInt());
                continue;
            }
            using var before = Blob.Get("state/" + key);
            Assert.True(MaxAbsDifference(before, expected) > 1e-6, $"{key} did not move in PyTorch; the fixture tests nothing");
            var difference = MaxAbsDifference(buffer, expected);
            worst = Math.Max(worst, difference);
            Assert.True(difference < Tolerance * Math.Max(1, MaxAbs(expected)), $"{key}: max |ours - PyTorch| = {difference:E2}");
        }
        log.WriteLine($"{buffers.Length} batch-norm buffers after one train step: max |ours - PyTorch| = {worst:E2}");
    }

    [Fact]
    public void ForwardAndBackwardLeaveOnlyTheirOutputsInTheCallersScope()
    {
        using var model = BuildWithFixtureWeights(dropout: 0.1);
        model.Train();
        using var scope = T.NewDisposeScope();
        var input = Blob.Get("input");
        var output = model.Forward(input);
        // input + prediction + representation + aux: every temporary of the forward was freed by its own scope.
        Assert.Equal(4, scope.Count);
        using (var inner = T.NewDisposeScope())
        {
            var loss = output.Prediction.Mean() + output.Representation!.Mean() + output.Auxiliary!.Mean();
            loss.Backward();
        }
        Assert.Equal(4, scope.Count);
        Assert.All(model.Parameters(), p => { using var g = p.Grad; Assert.NotNull(g); });
    }
}
