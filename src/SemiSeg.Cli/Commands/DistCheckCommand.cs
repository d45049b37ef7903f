using System.CommandLine;
using System.Text.Json;
using SemiSeg.Cli.Distributed;
using SemiSeg.Torch.Distributed;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg dist-check --nproc-per-node 2`: checks that distributed training works here (or,
/// under torchrun or a cluster launcher, across the job): all-reduce, broadcast and all-gather
/// on known values, DDP's Reducer and SyncBatchNorm against one process on the whole batch.
/// Every rank writes its numbers to OUT/rankR.json; rank 0 prints them.
/// </summary>
internal static class DistCheckCommand
{
    // The single-process references agree to rounding; anything above this is a real difference.
    private const double Tolerance = 1e-5;

    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Folder for each rank's results (rankR.json)" };
        var backend = new Option<string>("--backend") { Description = "gloo (CPU) or nccl (CUDA builds)", DefaultValueFactory = _ => "gloo" };
        var drill = new Option<string>("--fault-drill")
        { Description = "none, or die / hang: one worker is killed or stops answering after joining, to see the job end with an error", DefaultValueFactory = _ => "none" };
        drill.AcceptOnlyFromAmong("none", "die", "hang");
        var drillRank = new Option<int>("--fault-rank") { Description = "The rank --fault-drill acts on", DefaultValueFactory = _ => 1 };
        var command = new Command("dist-check", "Check distributed training (collectives, gradient reducer, SyncBatchNorm) across worker processes")
        { output, backend, drill, drillRank };
        LaunchOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var launch = LaunchOptions.From(parse);
            if (launch.Launches)
                return WorkerLauncher.Run(launch, WorkerLauncher.WithoutLaunchOptions(Environment.GetCommandLineArgs()[1..]), Console.Error);
            return Worker(parse.GetValue(output), parse.GetValue(backend)!, parse.GetValue(drill)!, parse.GetValue(drillRank));
        });
        return command;
    }

    private static int Worker(string? outDir, string backend, string drill, int drillRank)
    {
        var env = DistributedEnvironment.FromProcess();
        if (!env.IsDistributed)
        {
            Console.Error.WriteLine("error: dist-check needs several workers: add --nproc-per-node 2, or start it under torchrun");
            return 2;
        }
        using var group = ProcessGroup.Create(env.ToOptions(backend, DistributedEnvironment.Timeout(Environment.GetEnvironmentVariable)));
        group.Barrier();
        if (group.Rank == drillRank) FaultDrill(drill);
        var results = DistributedChecks.Run(group);
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            AtomicFile.WriteAllText(Path.Combine(outDir, $"rank{group.Rank}.json"),
                                    JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        }
        var failed = results.Where(r => r.Key.EndsWith("_max_abs_diff", StringComparison.Ordinal) && !(r.Value[0] <= Tolerance)).ToList();
        if (group.IsMain)
        {
            Console.WriteLine($"dist-check: {group.WorldSize} ranks, backend {backend}");
            foreach (var (name, values) in results) Console.WriteLine($"  {name,-36} {string.Join(", ", values.Select(v => v.ToString("G6")))}");
        }
        foreach (var (name, values) in failed) Console.Error.WriteLine($"error: rank {group.Rank}: {name} is {values[0]:G3}, above {Tolerance:G1}");
        return failed.Count == 0 ? 0 : 1;
    }

    private static void FaultDrill(string drill)
    {
        if (drill == "die") System.Diagnostics.Process.GetCurrentProcess().Kill();
        if (drill == "hang") Thread.Sleep(Timeout.Infinite);
    }
}
