using System.Runtime.InteropServices;
using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>An error raised inside libtorch (or the native layer), carrying libtorch's message.</summary>
public sealed class TorchException : Exception
{
    public TorchException(string message) : base(message) { }

    /// <summary>Throws when the last native call on this thread recorded an error.</summary>
    internal static void ThrowIfError()
    {
        var message = NativeMethods.ss_last_error();
        if (message != IntPtr.Zero) throw new TorchException(Marshal.PtrToStringUTF8(message) ?? "native error");
    }

    /// <summary>Throws the recorded error: for calls whose failure value was already seen.</summary>
    internal static TorchException Last()
    {
        var message = NativeMethods.ss_last_error();
        return new TorchException(message == IntPtr.Zero ? "native call failed without a message" : Marshal.PtrToStringUTF8(message)!);
    }

    internal static IntPtr Check(IntPtr handle) => handle != IntPtr.Zero ? handle : throw Last();
    internal static void Check(bool ok) { if (!ok) throw Last(); }
}
