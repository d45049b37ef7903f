using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch.Distributed;

/// <summary>
/// The ranks of one job, joined through libtorch's c10d (a TCPStore rendezvous, then a Gloo or
/// NCCL process group), and the collectives between them. Every rank must call the same
/// collectives in the same order. A failed or timed-out collective throws a
/// <see cref="TorchException"/> carrying libtorch's message and this rank.
/// </summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    // DDP's default for the start-up broadcast of module states (distributed.py, 250 MB).
    private const long BroadcastBufferBytes = 250L * 1024 * 1024;
    private IntPtr handle;

    private ProcessGroup(IntPtr handle, ProcessGroupOptions options)
    {
        this.handle = handle;
        Options = options;
    }

    public ProcessGroupOptions Options { get; }
    public int Rank => Options.Rank;
    public int WorldSize => Options.WorldSize;
    public bool IsMain => Options.Rank == 0;

    /// <summary>True when the native layer was built against a CUDA libtorch with NCCL.</summary>
    public static bool NcclAvailable => NativeMethods.ss_nccl_available();

    /// <summary>Joins the job; returns once every rank has arrived (or throws after the timeout).</summary>
    public static ProcessGroup Create(ProcessGroupOptions options)
    {
        var handle = NativeMethods.ss_pg_new(options.Backend, options.MasterAddr, options.MasterPort, options.WorldSize,
                                             options.Rank, options.AgentHostsStore, options.StorePrefix,
                                             (long)Math.Ceiling(options.Timeout.TotalMilliseconds));
        if (handle == IntPtr.Zero)
            throw new TorchException($"rank {options.Rank} of {options.WorldSize} could not join the {options.Backend} process group " +
                                     $"at {options.MasterAddr}:{options.MasterPort}: {TorchException.Last().Message}");
        return new ProcessGroup(handle, options);
    }

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(ProcessGroup));

    /// <summary>Combines <paramref name="tensor"/> over the ranks, in place.</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) =>
        TorchException.Check(NativeMethods.ss_pg_all_reduce(Handle, tensor.Handle, (int)op));

    /// <summary>Overwrites <paramref name="tensor"/> with rank <paramref name="root"/>'s, in place.</summary>
    public void Broadcast(Tensor tensor, int root = 0) =>
        TorchException.Check(NativeMethods.ss_pg_broadcast(Handle, tensor.Handle, root));

    /// <summary>Broadcasts several tensors from <paramref name="root"/>, packed into few messages.</summary>
    public void BroadcastCoalesced(IReadOnlyList<Tensor> tensors, int root = 0)
    {
        if (tensors.Count == 0) return;
        var handles = tensors.Select(t => t.Handle).ToArray();
        fixed (IntPtr* p = handles)
            TorchException.Check(NativeMethods.ss_pg_broadcast_coalesced(Handle, p, handles.Length, root, BroadcastBufferBytes));
    }

    /// <summary>
    /// Every rank's tensor concatenated along dim 0 in rank order (the official code's
    /// concat_all_gather); the row counts may differ between ranks. The result is detached.
    /// </summary>
    public Tensor AllGather(Tensor tensor) => new(TorchException.Check(NativeMethods.ss_pg_all_gather(Handle, tensor.Handle)));

    /// <summary>
    /// A vote every rank takes part in: the lowest rank whose <paramref name="value"/> is true, the same on
    /// every rank, or null when it is true on none. <paramref name="device"/>: where the one-element tensor
    /// is reduced (NCCL reduces GPU tensors only).
    /// </summary>
    public int? FirstRankWith(bool value, Device? device = null)
    {
        using var vote = Tensor.From(new[] { value ? (double)Rank : WorldSize }, 1);
        using var onDevice = device is not { } d || d == Device.CPU ? null : vote.To(d);
        var reduced = onDevice ?? vote;
        AllReduce(reduced, ReduceOp.Min);
        var first = (int)reduced.ToArray<double>()[0];
        return first < WorldSize ? first : null;
    }

    /// <summary>Returns once every rank has reached it.</summary>
    public void Barrier() => TorchException.Check(NativeMethods.ss_pg_barrier(Handle));

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeMethods.ss_pg_free(handle);
        handle = IntPtr.Zero;
    }
}
