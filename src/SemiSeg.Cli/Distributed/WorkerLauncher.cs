using System.Diagnostics;
using System.Globalization;

namespace SemiSeg.Cli.Distributed;

/// <summary>
/// Starts this node's workers as torchrun does (one process per local rank, with MASTER_ADDR,
/// MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE set) and watches them: when one
/// exits with an error or is killed, the others are stopped and the job ends with one error
/// naming that rank. A hung worker makes its peers' collectives time out (--dist-timeout), so
/// the job never hangs.
/// </summary>
internal static class WorkerLauncher
{
    /// <summary>Runs the workers to the end; returns the exit code for the launcher (0 when all succeeded).</summary>
    public static int Run(LaunchOptions options, IReadOnlyList<string> workerArgs, TextWriter error)
    {
        var workers = new List<(int Rank, Process Process)>();
        try
        {
            for (var local = 0; local < options.NprocPerNode; local++)
            {
                var rank = options.NodeRank * options.NprocPerNode + local;
                workers.Add((rank, Process.Start(StartInfo(options, workerArgs, rank, local))!));
            }
            return Watch(workers, error);
        }
        finally
        {
            foreach (var (_, process) in workers) Stop(process);
        }
    }

    private static int Watch(List<(int Rank, Process Process)> workers, TextWriter error)
    {
        var running = new List<(int Rank, Process Process)>(workers);
        while (running.Count > 0)
        {
            var ended = running.Where(w => w.Process.HasExited).ToList();
            foreach (var w in ended) running.Remove(w);
            // The first failure is the one to report (the others fail because of it): by exit time,
            // since several may be seen in one look.
            var failed = ended.Where(w => w.Process.ExitCode != 0).OrderBy(w => w.Process.ExitTime).ToList();
            if (failed.Count > 0)
            {
                foreach (var (_, other) in running) Stop(other);
                var (rank, process) = failed[0];
                error.WriteLine($"error: distributed worker rank {rank} {Describe(process.ExitCode)}; stopped the other {workers.Count - 1} worker(s)");
                return process.ExitCode is > 0 and < 128 ? process.ExitCode : 1;
            }
            Thread.Sleep(100);
        }
        return 0;
    }

    private static string Describe(int exitCode) =>
        exitCode > 128 ? $"was killed by signal {exitCode - 128}" : $"exited with code {exitCode}";

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { /* already gone */ }
    }

    private static ProcessStartInfo StartInfo(LaunchOptions options, IReadOnlyList<string> workerArgs, int rank, int localRank)
    {
        var (program, prefix) = SelfCommand();
        var info = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var a in prefix.Concat(workerArgs)) info.ArgumentList.Add(a);
        var env = info.Environment;
        env["MASTER_ADDR"] = options.MasterAddr;
        env["MASTER_PORT"] = options.MasterPort.ToString(CultureInfo.InvariantCulture);
        env["WORLD_SIZE"] = options.WorldSize.ToString(CultureInfo.InvariantCulture);
        env["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        env["LOCAL_RANK"] = localRank.ToString(CultureInfo.InvariantCulture);
        env["LOCAL_WORLD_SIZE"] = options.NprocPerNode.ToString(CultureInfo.InvariantCulture);
        env["SEMISEG_DIST_TIMEOUT"] = options.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        // As torchrun: workers share the cores rather than each taking all of them.
        if (Environment.GetEnvironmentVariable("SEMISEG_THREADS") is null && Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
            env["SEMISEG_THREADS"] = Math.Max(1, Environment.ProcessorCount / options.NprocPerNode).ToString(CultureInfo.InvariantCulture);
        return info;
    }

    /// <summary>How to start this same program again: the apphost, or `dotnet SemiSeg.Cli.dll`.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var entry = typeof(WorkerLauncher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, new[] { entry }) : (process, Array.Empty<string>());
    }

    /// <summary>The command line without the launcher's own options (both "--x v" and "--x=v").</summary>
    public static List<string> WithoutLaunchOptions(IReadOnlyList<string> args)
    {
        var kept = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (LaunchOptions.Names.Contains(a)) { i++; continue; }
            if (LaunchOptions.Names.Any(n => a.StartsWith(n + "=", StringComparison.Ordinal))) continue;
            kept.Add(a);
        }
        return kept;
    }
}
