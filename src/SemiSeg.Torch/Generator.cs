using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>
/// A seeded random generator (torch.Generator). Pass it to the random ops so that a run can
/// be repeated; its state can be saved in a checkpoint and restored.
/// </summary>
public sealed class Generator : IDisposable
{
    private IntPtr handle;

    private Generator(IntPtr handle) => this.handle = handle;

    public Generator(ulong seed, Device? device = null)
        : this(TorchException.Check(NativeMethods.ss_generator_new(seed, (int)(device ?? Device.CPU).Type))) { }

    /// <summary>libtorch's default generator for the device (what torch.manual_seed seeds).</summary>
    public static Generator Default(Device? device = null) =>
        new(TorchException.Check(NativeMethods.ss_generator_default((int)(device ?? Device.CPU).Type)));

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Generator));

    public void ManualSeed(ulong seed) => TorchException.Check(NativeMethods.ss_generator_set_seed(Handle, seed));

    /// <summary>The generator's full state as a uint8 tensor (the caller owns it).</summary>
    public Tensor GetState() => new(TorchException.Check(NativeMethods.ss_generator_get_state(Handle)));

    public void SetState(Tensor state) => TorchException.Check(NativeMethods.ss_generator_set_state(Handle, state.Handle));

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeMethods.ss_generator_free(handle);
        handle = IntPtr.Zero;
    }
}
