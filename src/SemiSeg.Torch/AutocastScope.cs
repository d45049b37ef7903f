using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>
/// Runs libtorch's autocast for one device type on this thread until disposed, as
/// <c>torch.autocast(device_type, dtype)</c> does in PyTorch: ops on autocast's lower-precision list
/// (convolutions, matmuls) run in <see cref="Dtype"/>, those on its fp32 list (softmax, losses,
/// norms) in float32, with libtorch's own op lists. Opening saves the enabled flag, the fast dtype
/// and the cast-cache flag and increments autocast's nesting; disposing decrements it, clears the
/// cast cache when it returns to 0 and restores what was saved (torch/amp/autocast_mode.py's
/// __enter__ and __exit__). Autocast state is per thread: dispose the scope on the thread that
/// opened it, in reverse order of opening.
/// </summary>
public sealed class AutocastScope : IDisposable
{
    private readonly DeviceType deviceType;
    private readonly bool previousEnabled;
    private readonly ScalarType previousDtype;
    private readonly bool previousCacheEnabled;
    private bool disposed;

    public DeviceType DeviceType => deviceType;
    public ScalarType Dtype { get; }
    public bool Enabled { get; }

    private AutocastScope(DeviceType deviceType, ScalarType dtype, bool enabled, bool previousEnabled,
                          ScalarType previousDtype, bool previousCacheEnabled)
    {
        this.deviceType = deviceType;
        Dtype = dtype;
        Enabled = enabled;
        this.previousEnabled = previousEnabled;
        this.previousDtype = previousDtype;
        this.previousCacheEnabled = previousCacheEnabled;
    }

    /// <summary>
    /// Opens a scope; <paramref name="enabled"/> false opens one that turns autocast off (a float32
    /// region inside an autocast one), as <c>torch.autocast(..., enabled=False)</c>.
    /// </summary>
    public static AutocastScope Open(DeviceType deviceType, ScalarType dtype, bool enabled = true, bool cacheEnabled = true)
    {
        if (dtype is not (ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"autocast dtype must be BFloat16 or Float16, not {dtype}", nameof(dtype));
        var previousCache = NativeMethods.ss_autocast_is_cache_enabled();
        var previousEnabled = IsEnabled(deviceType);
        var previousDtype = GetDtype(deviceType);
        TorchException.Check(NativeMethods.ss_autocast_set_enabled((int)deviceType, enabled));
        TorchException.Check(NativeMethods.ss_autocast_set_dtype((int)deviceType, (int)dtype));
        CheckNesting(NativeMethods.ss_autocast_increment_nesting());
        NativeMethods.ss_autocast_set_cache_enabled(cacheEnabled);
        return new AutocastScope(deviceType, dtype, enabled, previousEnabled, previousDtype, previousCache);
    }

    /// <summary>Whether autocast is on for the device type on this thread.</summary>
    public static bool IsEnabled(DeviceType deviceType)
    {
        var enabled = NativeMethods.ss_autocast_is_enabled((int)deviceType);
        if (enabled < 0) throw TorchException.Last();
        return enabled == 1;
    }

    /// <summary>The device type's autocast dtype on this thread (libtorch's default: BFloat16 on CPU, Float16 on CUDA).</summary>
    public static ScalarType GetDtype(DeviceType deviceType)
    {
        var dtype = NativeMethods.ss_autocast_get_dtype((int)deviceType);
        if (dtype < 0) throw TorchException.Last();
        return (ScalarType)dtype;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (CheckNesting(NativeMethods.ss_autocast_decrement_nesting()) == 0) TorchException.Check(NativeMethods.ss_autocast_clear_cache());
        TorchException.Check(NativeMethods.ss_autocast_set_enabled((int)deviceType, previousEnabled));
        TorchException.Check(NativeMethods.ss_autocast_set_dtype((int)deviceType, (int)previousDtype));
        NativeMethods.ss_autocast_set_cache_enabled(previousCacheEnabled);
    }

    private static int CheckNesting(int nesting) => nesting >= 0 ? nesting : throw TorchException.Last();
}
