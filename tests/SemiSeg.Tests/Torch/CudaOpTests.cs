using Xunit.Abstractions;
using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// Operators on cuda:0 against the CPU on the same inputs. Convolutions may run in TF32 on a GPU
/// (libtorch's default for cuDNN convolutions: 10 mantissa bits), so their tolerance is relative to the
/// largest value, 2e-3; element-wise ops and reductions agree to 1e-5.
/// </summary>
[Trait(CudaFactAttribute.Trait, CudaFactAttribute.Cuda)]
public class CudaOpTests(ITestOutputHelper log)
{
    [CudaFact]
    public void Conv2dSoftmaxAndCrossEntropyMatchTheCpu()
    {
        using var scope = Torch.NewDisposeScope();
        using var generator = new Generator(7);
        var cuda = Device.CUDA(0);
        var input = Torch.Randn(new long[] { 2, 8, 17, 17 }, generator);
        var weight = Torch.Randn(new long[] { 16, 8, 3, 3 }, generator) * 0.1;
        var labels = Torch.Randint(0, 16, new long[] { 2, 17, 17 }, generator);

        var cpuConv = F.Conv2d(input, weight, padding: 2, dilation: 2);
        var gpuConv = F.Conv2d(input.To(cuda), weight.To(cuda), padding: 2, dilation: 2);
        Assert.Equal(DeviceType.CUDA, gpuConv.Device.Type);
        CudaCompare.Close("conv2d (dilation 2)", cpuConv, gpuConv, 2e-3, log);

        // From the same logits, so that the conv's TF32 rounding does not enter these.
        CudaCompare.Close("softmax", F.Softmax(cpuConv, 1), F.Softmax(cpuConv.To(cuda), 1), 1e-5, log);
        CudaCompare.Close("cross entropy", F.CrossEntropy(cpuConv, labels), F.CrossEntropy(cpuConv.To(cuda), labels.To(cuda)), 1e-5, log);
        CudaCompare.Close("sum over classes", cpuConv.Sum(1), cpuConv.To(cuda).Sum(1), 1e-5, log);
    }
}
