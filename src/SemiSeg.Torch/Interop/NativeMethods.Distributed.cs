using System.Runtime.InteropServices;

namespace SemiSeg.Torch.Interop;

/// <summary>P/Invoke declarations of the distributed part of libsemiseg_native (c10d).</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_nccl_available();
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ss_pg_new(string backend, string masterAddr, int masterPort, int worldSize, int rank,
                                             [MarshalAs(UnmanagedType.U1)] bool agentHostsStore, string storePrefix, long timeoutMs);
    [LibraryImport(Library)] internal static partial void ss_pg_free(IntPtr g);
    [LibraryImport(Library)] internal static partial int ss_pg_rank(IntPtr g);
    [LibraryImport(Library)] internal static partial int ss_pg_size(IntPtr g);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_pg_all_reduce(IntPtr g, IntPtr t, int op);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_pg_broadcast(IntPtr g, IntPtr t, int root);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_pg_broadcast_coalesced(IntPtr g, IntPtr* tensors, int n, int root, long bufferBytes);
    [LibraryImport(Library)] internal static partial IntPtr ss_pg_all_gather(IntPtr g, IntPtr t);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_pg_barrier(IntPtr g);

    [LibraryImport(Library)] internal static partial IntPtr ss_reducer_new(IntPtr g, IntPtr* parameters, int n, long bucketBytesCap, [MarshalAs(UnmanagedType.U1)] bool findUnusedParameters);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_reducer_prepare_for_forward(IntPtr r);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_reducer_prepare_for_backward(IntPtr r, IntPtr* outputs, int n);
    [LibraryImport(Library)] internal static partial void ss_reducer_free(IntPtr r);

    [LibraryImport(Library)]
    internal static partial IntPtr ss_sync_batch_norm(IntPtr g, IntPtr input, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, double momentum, double eps);
}
