using SemiSeg.Torch.nn;
using SemiSeg.Torch.optim;
using SemiSeg.Torch.Serialization;
using SemiSeg.Tests.Torch.nn;
using TorchApi = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Torch.Serialization;

/// <summary>Runs alone: the live-tensor count is process-wide, so parallel tests would move it.</summary>
[CollectionDefinition("NnLiveTensorCount", DisableParallelization = true)]
public sealed class NnLiveTensorCountCollection;

[Collection("NnLiveTensorCount")]
public class NoLeakTests
{
    [Fact]
    public void FilesStateDictsAndOptimizerStepsFreeEveryTensor()
    {
        var path = Path.Combine(Path.GetTempPath(), $"noleak-{Guid.NewGuid():N}.pth");
        try
        {
            Cycle(path);   // warm-up: per-thread constants (BatchNorm's counter increment) are made once
            var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
            for (var k = 0; k < 3; k++) Cycle(path);
            Assert.Equal(before, Tensor.LiveCount);
        }
        finally { File.Delete(path); }
    }

    private static void Cycle(string path)
    {
        using var model = new TinyNet(new Generator(1));
        TorchFile.LoadStateDict(NnFixtures.Path("tiny_state.pth"), model);
        using var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9, weightDecay: 1e-4);
        using (var scope = TorchApi.NewDisposeScope())
        {
            model.Train();
            model.Forward(TorchApi.Randn(new long[] { 2, 3, 8, 8 }, new Generator(2))).Sum().Backward();
            optimizer.Step();
        }
        using (var checkpoint = new TorchDict { { "model_state", TorchDict.FromTensors(model.StateDict()) }, { "optimizer_state", optimizer.StateDict() } })
            TorchFile.Save(path, checkpoint);
        using var loaded = TorchFile.LoadDict(path);
        model.LoadStateDict(loaded.GetDict("model_state").ToTensors());
        optimizer.LoadStateDict(loaded.GetDict("optimizer_state"));
        using var native = TorchFile.LoadWithLibtorch(path);
        model.To(ScalarType.Float64);
        model.ZeroGrad();
    }
}
