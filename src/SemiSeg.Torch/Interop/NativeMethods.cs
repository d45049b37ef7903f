using System.Runtime.InteropServices;

namespace SemiSeg.Torch.Interop;

/// <summary>P/Invoke declarations of libsemiseg_native (native/include/semiseg_native.h).</summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "semiseg_native";

    static NativeMethods()
    {
        // libtorch may count physical cores only (1 on a 2-vCPU machine); use every core the
        // process may run on, unless the user chose with SEMISEG_THREADS or OMP_NUM_THREADS.
        var chosen = Environment.GetEnvironmentVariable("SEMISEG_THREADS") ?? Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        var threads = int.TryParse(chosen, out var n) && n > 0 ? n : Environment.ProcessorCount;
        ss_set_num_threads(threads);
    }

    // ---- errors and runtime
    [LibraryImport(Library)] internal static partial IntPtr ss_last_error();
    [LibraryImport(Library)] internal static partial int ss_get_num_threads();
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_set_num_threads(int n);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_set_num_interop_threads(int n);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_is_grad_enabled();
    [LibraryImport(Library)] internal static partial void ss_set_grad_enabled([MarshalAs(UnmanagedType.U1)] bool enabled);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_cuda_is_available();
    [LibraryImport(Library)] internal static partial int ss_cuda_device_count();
    [LibraryImport(Library)] internal static partial IntPtr ss_torch_version();
    [LibraryImport(Library)] internal static partial void ss_free(IntPtr p);
    [LibraryImport(Library)] internal static partial long ss_live_tensors();

    // ---- autocast
    [LibraryImport(Library)] internal static partial int ss_autocast_is_enabled(int deviceType);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_autocast_set_enabled(int deviceType, [MarshalAs(UnmanagedType.U1)] bool enabled);
    [LibraryImport(Library)] internal static partial int ss_autocast_get_dtype(int deviceType);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_autocast_set_dtype(int deviceType, int dtype);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_autocast_is_cache_enabled();
    [LibraryImport(Library)] internal static partial void ss_autocast_set_cache_enabled([MarshalAs(UnmanagedType.U1)] bool enabled);
    [LibraryImport(Library)] internal static partial int ss_autocast_increment_nesting();
    [LibraryImport(Library)] internal static partial int ss_autocast_decrement_nesting();
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_autocast_clear_cache();

    // ---- tensors
    [LibraryImport(Library)] internal static partial IntPtr ss_tensor_from_data(void* data, int dtype, long* shape, int ndim, int deviceType, int deviceIndex);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_copy_data(IntPtr t, void* dst, long nbytes);
    [LibraryImport(Library)] internal static partial void ss_tensor_free(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr ss_tensor_alias(IntPtr t);
    [LibraryImport(Library)] internal static partial int ss_tensor_dtype(IntPtr t);
    [LibraryImport(Library)] internal static partial int ss_tensor_ndim(IntPtr t);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_shape(IntPtr t, long* shape);
    [LibraryImport(Library)] internal static partial long ss_tensor_numel(IntPtr t);
    [LibraryImport(Library)] internal static partial int ss_tensor_device_type(IntPtr t);
    [LibraryImport(Library)] internal static partial int ss_tensor_device_index(IntPtr t);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_item(IntPtr t, out double value);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_item_int(IntPtr t, out long value);
    [LibraryImport(Library)] internal static partial int ss_tensor_requires_grad(IntPtr t);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_set_requires_grad(IntPtr t, [MarshalAs(UnmanagedType.U1)] bool requiresGrad);
    [LibraryImport(Library)] internal static partial int ss_tensor_is_leaf(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr ss_tensor_grad(IntPtr t);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_set_grad(IntPtr t, IntPtr grad);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_backward(IntPtr t, IntPtr grad, [MarshalAs(UnmanagedType.U1)] bool retainGraph, [MarshalAs(UnmanagedType.U1)] bool createGraph);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_tensor_same(IntPtr a, IntPtr b);

    // ---- operators
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr ss_op_find(string name, string overload);
    [LibraryImport(Library)] internal static partial IntPtr ss_op_schema(IntPtr op);
    [LibraryImport(Library)] internal static partial OpResult* ss_op_call(IntPtr op, OpArg* args, int nargs, out int nresults);

    // ---- generic values
    [LibraryImport(Library)] internal static partial IntPtr ss_value_none();
    [LibraryImport(Library)] internal static partial IntPtr ss_value_tensor(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_int(long v);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_double(double v);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_bool([MarshalAs(UnmanagedType.U1)] bool v);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr ss_value_string(string s);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_dict();
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_value_dict_set(IntPtr dict, string key, IntPtr v);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_int_dict();
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_value_dict_set_int(IntPtr dict, long key, IntPtr v);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_list();
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_value_list_append(IntPtr list, IntPtr v);
    [LibraryImport(Library)] internal static partial void ss_value_free(IntPtr v);
    [LibraryImport(Library)] internal static partial int ss_value_kind(IntPtr v);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_type_name(IntPtr v);
    [LibraryImport(Library)] internal static partial long ss_value_size(IntPtr v);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_dict_key(IntPtr v, long index);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_at(IntPtr v, long index);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_dict_key_at(IntPtr v, long index);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_to_tensor(IntPtr v);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_value_to_int(IntPtr v, out long value);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_value_to_double(IntPtr v, out double value);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_value_to_bool(IntPtr v, [MarshalAs(UnmanagedType.U1)] out bool value);
    [LibraryImport(Library)] internal static partial IntPtr ss_value_to_string(IntPtr v);

    // ---- files
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_save(IntPtr v, string path);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr ss_load(string path);

    // ---- generators
    [LibraryImport(Library)] internal static partial IntPtr ss_generator_new(ulong seed, int deviceType);
    [LibraryImport(Library)] internal static partial IntPtr ss_generator_default(int deviceType);
    [LibraryImport(Library)] internal static partial void ss_generator_free(IntPtr g);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_generator_set_seed(IntPtr g, ulong seed);
    [LibraryImport(Library)] internal static partial IntPtr ss_generator_get_state(IntPtr g);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_generator_set_state(IntPtr g, IntPtr state);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_manual_seed(ulong seed);

    // ---- images
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_image_read(string path, int mode, out IntPtr data, out int height, out int width, out int channels);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_image_write(string path, byte* data, int height, int width, int channels);
    [LibraryImport(Library)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool ss_image_resize(byte* src, int height, int width, int channels, byte* dst, int newHeight, int newWidth, int interpolation);
}
