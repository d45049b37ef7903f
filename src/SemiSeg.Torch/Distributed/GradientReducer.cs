using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch.Distributed;

/// <summary>
/// DistributedDataParallel's gradient synchronisation, by libtorch's own c10d::Reducer: the
/// gradients of the given parameters are bucketed, all-reduced while the backward pass runs,
/// and left in .grad as the average over the ranks. With <c>findUnusedParameters</c> a
/// parameter the loss does not reach (U2PL's representation head in the warm-up epochs) is
/// marked ready instead of stalling its bucket, as DDP's find_unused_parameters=True does.
/// Per step: <see cref="PrepareForForward"/>, the forward pass, <see cref="PrepareForBackward"/>
/// with the loss, then backward.
/// </summary>
public sealed unsafe class GradientReducer : IDisposable
{
    /// <summary>DDP's bucket_cap_mb default, 25 MB.</summary>
    public const long DefaultBucketBytes = 25L * 1024 * 1024;
    private IntPtr handle;
    private readonly ProcessGroup group;

    public GradientReducer(ProcessGroup group, IReadOnlyList<Tensor> parameters, bool findUnusedParameters,
                           long bucketBytes = DefaultBucketBytes)
    {
        this.group = group;
        var handles = parameters.Select(p => p.Handle).ToArray();
        fixed (IntPtr* p = handles)
            handle = TorchException.Check(NativeMethods.ss_reducer_new(group.Handle, p, handles.Length, bucketBytes, findUnusedParameters));
    }

    private IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(GradientReducer));

    public void PrepareForForward() => TorchException.Check(NativeMethods.ss_reducer_prepare_for_forward(Handle));

    /// <summary>Call after the forward pass with what backward starts from (the loss).</summary>
    public void PrepareForBackward(params Tensor[] outputs)
    {
        var handles = outputs.Select(t => t.Handle).ToArray();
        fixed (IntPtr* p = handles)
            TorchException.Check(NativeMethods.ss_reducer_prepare_for_backward(Handle, p, handles.Length));
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeMethods.ss_reducer_free(handle);
        handle = IntPtr.Zero;
        GC.KeepAlive(group);
    }
}
