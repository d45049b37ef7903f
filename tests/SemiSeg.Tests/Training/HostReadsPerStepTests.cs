using SemiSeg.Tests.Methods;
using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Training;

/// <summary>
/// What one U2PL training step copies to the host. On a GPU each copy waits for the device, so the step
/// makes exactly two from device tensors: the contrastive loss's per-class anchor counts (one read that
/// steers its class loop) and the logged loss terms (one read of all of them). The other two reads are
/// draws from the method's CPU generator (whether to mix, and the mix boxes), host tensors on every device.
/// The memory bank, the EMA teacher, the optimizer and the losses read nothing.
/// </summary>
[Collection(SerialTensorCountCollection.Name)]
public class HostReadsPerStepTests
{
    private static readonly string[] DeviceReads = { "ContrastiveLoss.Prepare", "StepLosses.ReadTerms" };
    private static readonly string[] GeneratorDraws = { "PseudoLabels.MaybeMix", "UnsupervisedMix.BoxKeepMask" };

    [Fact]
    public void AU2plStepReadsOnlyItsLoggedTermsAndTheContrastiveCounts()
    {
        // aug_prob 1: every step mixes, so every read a step can make is made (a step that does not mix
        // skips the mix boxes' draw).
        using var step = new TinyU2plStep(Device.CPU, "trainer.unsupervised.aug_prob=1");
        for (var k = 0; k < 2; k++)
        {
            using var reads = HostReads.Record();
            step.Step();
            var sites = reads.All.Select(r => r.CallSite).Order(StringComparer.Ordinal).ToArray();
            Assert.True(DeviceReads.Concat(GeneratorDraws).Order(StringComparer.Ordinal).SequenceEqual(sites),
                        $"step {k}: host reads {string.Join(", ", reads.All)}; expected one each of {string.Join(", ", DeviceReads.Concat(GeneratorDraws))}");
        }
    }
}

/// <summary>The same step on CUDA: exactly the two copies from the device, and nothing else leaves it.</summary>
[Trait(CudaFactAttribute.Trait, CudaFactAttribute.Cuda)]
[Collection(SerialTensorCountCollection.Name)]
public class CudaHostReadsPerStepTests
{
    [CudaFact]
    public void AU2plStepOnCudaCopiesTwoThingsFromTheDevice()
    {
        using var step = new TinyU2plStep(Device.CUDA(0), "trainer.unsupervised.aug_prob=1");
        for (var k = 0; k < 3; k++)
        {
            using var reads = HostReads.Record();
            step.Step();
            var fromDevice = reads.FromDevice.Select(r => r.CallSite).Order().ToArray();
            Assert.True(new[] { "ContrastiveLoss.Prepare", "StepLosses.ReadTerms" }.SequenceEqual(fromDevice),
                        $"step {k}: copies from the device: {string.Join(", ", reads.FromDevice)}");
        }
        Assert.Equal(DeviceType.CUDA, step.Method.MemoryBank!.Device.Type);
        Assert.All(step.Models.Teacher!.Parameters(), p => Assert.Equal(DeviceType.CUDA, p.Device.Type));
    }
}
