using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>Disables gradient recording on this thread until disposed (torch.no_grad()).</summary>
public readonly struct NoGradScope : IDisposable
{
    private readonly bool previous;

    private NoGradScope(bool previous) => this.previous = previous;

    public static NoGradScope Open()
    {
        var previous = NativeMethods.ss_is_grad_enabled();
        NativeMethods.ss_set_grad_enabled(false);
        return new NoGradScope(previous);
    }

    public void Dispose() => NativeMethods.ss_set_grad_enabled(previous);
}
