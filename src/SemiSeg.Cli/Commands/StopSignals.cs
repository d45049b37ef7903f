using System.Runtime.InteropServices;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// SIGTERM and Ctrl-C as a graceful stop for a long job: the first cancels <see cref="Token"/> (the job finishes its
/// step and saves what it needs to resume), a second ends the process at once (the signal's default action).
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly PosixSignalRegistration term;
    private readonly PosixSignalRegistration interrupt;
    private readonly string action;

    /// <param name="action">what the job does on the first signal, for the one line it prints</param>
    public StopSignals(string action)
    {
        this.action = action;
        term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, FirstSignalStops);
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, FirstSignalStops);
    }

    public CancellationToken Token => stop.Token;

    private void FirstSignalStops(PosixSignalContext context)
    {
        if (stop.IsCancellationRequested) return;   // the default action: the process ends now
        context.Cancel = true;
        stop.Cancel();
        Console.Error.WriteLine($"{context.Signal}: {action} (send it again to stop at once)");
    }

    public void Dispose()
    {
        term.Dispose();
        interrupt.Dispose();
        stop.Dispose();
    }
}
