using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>
/// A libtorch tensor. Each instance owns one native handle, freed by <see cref="Dispose"/>
/// or by the <see cref="DisposeScope"/> it was created in. Operations live in the partial
/// files beside this one (TensorMath, TensorIndexing, ...).
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private IntPtr handle;
    private static long finalized;

    internal DisposeScope? Scope { get; set; }

    internal Tensor(IntPtr handle)
    {
        this.handle = handle;
        DisposeScope.Current?.Enrol(this);
    }

    ~Tensor()
    {
        // A tensor nobody disposed: free it, and count it so leak tests can see it happened.
        if (handle == IntPtr.Zero) return;
        Interlocked.Increment(ref finalized);
        NativeMethods.ss_tensor_free(handle);
    }

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Tensor));

    public bool IsDisposed => handle == IntPtr.Zero;

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeMethods.ss_tensor_free(handle);
        handle = IntPtr.Zero;
        Scope = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Native tensor handles alive in the process (for leak checks).</summary>
    public static long LiveCount => NativeMethods.ss_live_tensors();

    /// <summary>Tensors that were never disposed and were freed by the garbage collector.</summary>
    public static long FinalizedCount => Interlocked.Read(ref finalized);

    /// <summary>Leaves the current dispose scope for the enclosing one; returns this.</summary>
    public Tensor MoveToOuterDisposeScope() => Scope is null ? this : Scope.MoveToOuter(this);

    /// <summary>Leaves every dispose scope: the caller now owns this tensor.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    /// <summary>A second handle to the same tensor (shares storage and autograd identity).</summary>
    public Tensor Alias() => new(TorchException.Check(NativeMethods.ss_tensor_alias(Handle)));

    /// <summary>
    /// Makes this object refer to <paramref name="replacement"/>'s data, keeping requires_grad, as
    /// PyTorch's param.data = replacement (module.to() keeps each parameter's identity this way, so
    /// layers and optimizers holding this Tensor see the new data). The replacement's handle moves
    /// here and <paramref name="replacement"/> is left disposed.
    /// </summary>
    internal void TakeDataFrom(Tensor replacement)
    {
        var requiresGrad = RequiresGrad;
        var moved = replacement.Handle;
        replacement.handle = IntPtr.Zero;
        GC.SuppressFinalize(replacement);
        NativeMethods.ss_tensor_free(Handle);
        handle = moved;
        RequiresGrad = requiresGrad;
    }

    // ---- metadata

    public ScalarType Dtype => (ScalarType)CheckInt(NativeMethods.ss_tensor_dtype(Handle));
    public int Dim => CheckInt(NativeMethods.ss_tensor_ndim(Handle));
    public long NumEl => NativeMethods.ss_tensor_numel(Handle);

    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape) TorchException.Check(NativeMethods.ss_tensor_shape(Handle, p));
            return shape;
        }
    }

    /// <summary>Size of one dimension; negative dims count from the end.</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? dim + shape.Length : dim];
    }

    public Device Device =>
        new((DeviceType)CheckInt(NativeMethods.ss_tensor_device_type(Handle)), NativeMethods.ss_tensor_device_index(Handle));

    public bool RequiresGrad
    {
        get => CheckInt(NativeMethods.ss_tensor_requires_grad(Handle)) == 1;
        set => TorchException.Check(NativeMethods.ss_tensor_set_requires_grad(Handle, value));
    }

    /// <summary>Sets requires_grad and returns this, as PyTorch's requires_grad_().</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    public bool IsLeaf => CheckInt(NativeMethods.ss_tensor_is_leaf(Handle)) == 1;

    /// <summary>The accumulated gradient (a new handle the caller owns), or null.</summary>
    public Tensor? Grad
    {
        get
        {
            var g = NativeMethods.ss_tensor_grad(Handle);
            if (g == IntPtr.Zero) { TorchException.ThrowIfError(); return null; }
            return new Tensor(g);
        }
        set => TorchException.Check(NativeMethods.ss_tensor_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
    }

    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        TorchException.Check(NativeMethods.ss_tensor_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retainGraph, createGraph));

    /// <summary>True when both handles refer to the same tensor.</summary>
    public bool IsSame(Tensor other) => NativeMethods.ss_tensor_same(Handle, other.Handle);

    // ---- values

    /// <summary>The value of a one-element tensor. Reading it waits for pending device work.</summary>
    public double Item([CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        if (HostReads.Active) HostReads.Add(Device, nameof(Item), callerFile, callerMember);
        TorchException.Check(NativeMethods.ss_tensor_item(Handle, out var value));
        return value;
    }

    public long ItemInt([CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        if (HostReads.Active) HostReads.Add(Device, nameof(ItemInt), callerFile, callerMember);
        TorchException.Check(NativeMethods.ss_tensor_item_int(Handle, out var value));
        return value;
    }

    /// <summary>Copies the elements (row-major) into a new array; T must match the dtype.</summary>
    public T[] ToArray<T>([CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "") where T : unmanaged
    {
        var data = new T[NumEl];
        CopyTo<T>(data, callerFile, callerMember);
        return data;
    }

    public unsafe void CopyTo<T>(Span<T> destination, [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
        where T : unmanaged
    {
        CheckElementType<T>();
        if (HostReads.Active) HostReads.Add(Device, nameof(CopyTo), callerFile, callerMember);
        fixed (T* p = destination)
            TorchException.Check(NativeMethods.ss_tensor_copy_data(Handle, p, (long)destination.Length * sizeof(T)));
    }

    private void CheckElementType<T>() where T : unmanaged
    {
        var expected = ScalarTypeExtensions.Of<T>();
        if (Dtype != expected)
            throw new InvalidOperationException($"tensor of {Dtype} cannot be read as {typeof(T).Name} ({expected}); convert it with To({expected}) first");
    }

    private static int CheckInt(int value) => value >= 0 ? value : throw TorchException.Last();

    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        return $"Tensor(shape=[{string.Join(", ", Shape)}], dtype={Dtype}, device={Device}{(RequiresGrad ? ", requires_grad" : "")})";
    }

    // ---- creation from managed memory

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, long[] shape, Device? device = null) where T : unmanaged
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} were given");
        var d = device ?? Device.CPU;
        fixed (T* p = data)
        fixed (long* s = shape)
            return new Tensor(TorchException.Check(NativeMethods.ss_tensor_from_data(
                p, (int)ScalarTypeExtensions.Of<T>(), s, shape.Length, (int)d.Type, d.Index)));
    }

    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged =>
        From<T>(data.AsSpan(), shape.Length == 0 ? new long[] { data.Length } : shape);

    public static Tensor Scalar(double value) => From<double>(new[] { value }.AsSpan(), Array.Empty<long>());
    public static Tensor Scalar(float value) => From<float>(new[] { value }.AsSpan(), Array.Empty<long>());
    public static Tensor Scalar(long value) => From<long>(new[] { value }.AsSpan(), Array.Empty<long>());
}
