using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SemiSeg.Tests.Torch.Distributed;

/// <summary>Runs the CLI (built beside the tests) as a separate process, bounded in time.</summary>
internal static class WorkerProcesses
{
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed);

    /// <summary>A TCP port nothing listens on now, for one job's rendezvous store.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Result RunCli(TimeSpan limit, params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SemiSeg.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(cli);
        foreach (var a in args) info.ArgumentList.Add(a);
        // One thread per worker: the test machine has few cores and other tests run beside these.
        info.Environment["SEMISEG_THREADS"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`semiseg {string.Join(' ', args)}` did not end within {limit.TotalSeconds:F0} s; output:\n{output.Result}\n{error.Result}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }
}
