namespace SemiSeg.Tests.Torch.Support;

/// <summary>
/// Leak checks compare the process-wide count of live native tensors. Tensors an earlier test left
/// to the garbage collector would be freed by a GC in the middle of a later test and lower the count,
/// so a check starts from a settled count: garbage collected and finalised first.
/// </summary>
public static class LiveTensors
{
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.LiveCount;
    }
}
