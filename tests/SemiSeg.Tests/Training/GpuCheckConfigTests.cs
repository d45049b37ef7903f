using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// bench/u2pl-step-gpu.yaml, the setting bench/gpu-check.sh times on a GPU, loads and is what docs/gpu.md
/// says (a broken config would be found only on the GPU machine, whose time is scarce).
/// </summary>
public class GpuCheckConfigTests
{
    [Fact]
    public void TheGpuStepConfigIsU2plVocOnResNet101At513WithFourPlusFourImagesOnCuda()
    {
        var config = ExperimentConfig.Load(Path.Combine(RepositoryPaths.Root, "bench", "u2pl-step-gpu.yaml"));
        Assert.Equal("u2pl", config.Method);
        Assert.Equal(Device.CUDA(0), config.Device);
        Assert.Equal("u2pl.models.resnet.resnet101", config.Net.Encoder.Type);
        Assert.Equal(21, config.Net.NumClasses);
        Assert.Equal(4, config.Data.BatchSize);
        Assert.Equal((513, 513), config.Data.TrainAugmentation.Crop!.Value);
    }
}
