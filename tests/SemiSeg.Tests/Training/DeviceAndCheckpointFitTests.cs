using SemiSeg.Cli.Commands;
using SemiSeg.Models;
using SemiSeg.Torch;
using SemiSeg.Torch.nn;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 18, item 4: a device the build lacks and a checkpoint that does not fit are one error each.</summary>
public class DeviceAndCheckpointFitTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public DeviceAndCheckpointFitTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void CudaOnACpuBuildIsOneErrorBeforeTheRunFolderExists()
    {
        if (Device.CudaIsAvailable) return;   // a CUDA build: the device is usable
        var config = ExperimentConfig.Load(tiny.WriteConfig("suponly"), new[] { "device=cuda" });
        var run = tiny.NewRunDirectory();
        var error = Assert.Throws<SemiSeg.ConfigException>(() => new Trainer(config, run).Run());
        Assert.Equal("device", error.Key);
        Assert.Contains("no CUDA", error.Message);
        Assert.Contains("CMAKE_PREFIX_PATH", error.Message);
        Assert.DoesNotContain("\n", error.Message);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void CudaOnACpuBuildIsRefusedByEvalAndPredict()
    {
        if (Device.CudaIsAvailable) return;
        var error = Assert.Throws<SemiSeg.ConfigException>(() =>
            CheckpointConfig.Load(tiny.WriteConfig("suponly"), "nowhere.pth", new[] { "device=cuda:1" }));
        Assert.Equal("device", error.Key);
    }

    [Fact]
    public void AnUnknownDeviceNamesTheKey()
    {
        var error = Assert.Throws<SemiSeg.ConfigException>(() => ExperimentConfig.Load(tiny.WriteConfig("suponly"), new[] { "device=tpu" }));
        Assert.Equal("device", error.Key);
    }

    [Fact]
    public void ACheckpointThatDoesNotFitTheConfigListsTheKeys()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("suponly"));
        var path = Path.Combine(tiny.Root, $"narrow-{Guid.NewGuid():N}.pth");
        using (var scope = SemiSeg.Torch.Torch.NewDisposeScope())
        using (var model = ModelBuilder.Build(config.Net))
        using (var checkpoint = new TorchDict())
        {
            checkpoint.Set("model_state", TorchDict.FromTensors(model.StateDict()));
            TorchFile.Save(path, checkpoint);
        }
        var wider = ExperimentConfig.Load(tiny.WriteConfig("suponly"), new[] { "net.num_classes=12" });
        var error = Assert.Throws<InvalidDataException>(() => CheckpointConfig.LoadModels(wider, path, "auto", out _));
        Assert.Contains(path, error.Message);
        Assert.Contains("model_state", error.Message);
        Assert.Contains("Size mismatch for ", error.Message);
    }

    [Fact]
    public void TheCommandLineTurnsAStateDictMismatchIntoOneError()
    {
        var report = new LoadReport("Net", Array.Empty<string>(), new[] { "a.weight" }, new[] { "b.weight" },
                                    new[] { new ShapeMismatch("c.weight", new long[] { 2 }, new long[] { 3 }) }, Array.Empty<string>());
        Assert.Equal(1, CliErrors.Run(() => throw new StateDictMismatchException(report)));
    }
}
