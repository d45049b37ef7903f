using Xunit.Abstractions;
using SemiSeg.Tests.Methods;
using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Training;

/// <summary>
/// Three U2PL training steps (the trainer's sequence: mix, both teacher passes, the three losses with the
/// memory bank, SGD, EMA) from the same weights and batches on the CPU and on cuda:0. The random draws come
/// from the method's CPU generator on both, so the steps see the same mixes and samples; what differs is
/// float rounding (TF32 convolutions on the GPU), which can move a pixel across the entropy or confidence
/// threshold. Tolerances, relative: supervised and unsupervised 1e-2 (a pixel that moves changes a mean over
/// thousands), contrastive 0.2 (a pixel that moves across a threshold shifts which anchors and negatives the
/// same draws pick, and with 8 queries one different sample moves the mean by several percent), the weight
/// checksums after the steps 1e-3.
/// </summary>
[Trait(CudaFactAttribute.Trait, CudaFactAttribute.Cuda)]
[Collection(SerialTensorCountCollection.Name)]
public class CudaU2plStepTests(ITestOutputHelper log)
{
    [CudaFact]
    public void ThreeStepsGiveTheCpuLossesAndWeights()
    {
        // aug_prob 1: every step runs the strong mix, on the device too.
        using var cpu = new TinyU2plStep(Device.CPU, "trainer.unsupervised.aug_prob=1");
        using var gpu = new TinyU2plStep(Device.CUDA(0), "trainer.unsupervised.aug_prob=1");
        for (var k = 0; k < 3; k++)
        {
            var expected = cpu.Step();
            var actual = gpu.Step();
            CudaCompare.Close($"step {k} sup", expected["sup"], actual["sup"], 1e-2, log);
            CudaCompare.Close($"step {k} unsup", expected["unsup"], actual["unsup"], 1e-2, log);
            CudaCompare.Close($"step {k} contrastive", expected["contrastive"], actual["contrastive"], 0.2, log);
        }
        Assert.True(cpu.Method.MemoryBank!.Count(0) > 0, "the memory bank was not used");
        var (cpuWeights, gpuWeights) = (cpu.WeightSums(), gpu.WeightSums());
        for (var p = 0; p < cpuWeights.Length; p++)
            CudaCompare.Close($"weights {p}", cpuWeights[p], gpuWeights[p], 1e-3, NoLog.Instance);
        log.WriteLine($"{cpuWeights.Length} weight checksums (student and teacher) within 1e-3");
    }

    private sealed class NoLog : ITestOutputHelper
    {
        public static readonly NoLog Instance = new();
        public void WriteLine(string message) { }
        public void WriteLine(string format, params object[] args) { }
    }
}
