using SemiSeg.Torch.Interop;
using SemiSeg.Torch.nn;

namespace SemiSeg.Torch.Distributed;

/// <summary>
/// Batch norm over the whole batch that the ranks hold together (torch.nn.SyncBatchNorm), as an
/// autograd function in the native layer: the forward pass combines every rank's per-channel
/// mean and variance, the backward pass all-reduces the sums of dy and dy·(x − mean). Weight and
/// bias gradients stay per rank; the <see cref="GradientReducer"/> averages them, as DDP does.
/// </summary>
public static class SyncBatchNorm
{
    public static Tensor Apply(ProcessGroup group, Tensor input, Tensor weight, Tensor bias, Tensor? runningMean,
                               Tensor? runningVar, double momentum, double eps) =>
        new(TorchException.Check(NativeMethods.ss_sync_batch_norm(group.Handle, input.Handle, weight.Handle, bias.Handle,
                                                                  runningMean?.Handle ?? IntPtr.Zero,
                                                                  runningVar?.Handle ?? IntPtr.Zero, momentum, eps)));

    /// <summary>
    /// Makes every <see cref="BatchNorm2d"/> under <paramref name="root"/> synchronise over
    /// <paramref name="group"/> in training (nn.SyncBatchNorm.convert_sync_batchnorm); returns how many.
    /// </summary>
    public static int Convert(Module root, ProcessGroup group)
    {
        var count = 0;
        foreach (var (_, module) in root.NamedModules())
        {
            if (module is not BatchNorm2d bn) continue;
            bn.SyncGroup = group;
            count++;
        }
        return count;
    }
}
