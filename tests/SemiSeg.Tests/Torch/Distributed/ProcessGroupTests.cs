using System.Text.Json;
using SemiSeg.Tests.Data;

namespace SemiSeg.Tests.Torch.Distributed;

/// <summary>
/// Two worker processes over loopback (Gloo), started by `semiseg dist-check --nproc-per-node 2`:
/// collectives on known values; DDP's Reducer and SyncBatchNorm against one process computing
/// the same on the whole batch (each rank reports the largest difference it saw).
/// </summary>
public sealed class ProcessGroupTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    [Fact]
    public void TwoRanksAgreeWithOneProcessOnTheWholeBatch()
    {
        using var dir = new TempDirectory();
        var run = WorkerProcesses.RunCli(Limit, "dist-check", "--nproc-per-node", "2", "--master-port", WorkerProcesses.FreePort().ToString(),
                                         "--dist-timeout", "60", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");
        var ranks = new[] { Read(dir.Combine("rank0.json")), Read(dir.Combine("rank1.json")) };
        foreach (var r in ranks)
        {
            // Rank r contributes [r + 1, 2 (r + 1) + 0.5]: the sum over ranks 0 and 1.
            Assert.Equal(new[] { 3.0, 7.0 }, r["all_reduce_sum"]);
            Assert.Equal(new[] { 1.0 }, r["all_reduce_max"]);
            Assert.Equal(new[] { 7.0, 8.0, 9.0 }, r["broadcast"]);
            // One row [0, 0] from rank 0, two rows [1, 1] from rank 1.
            Assert.Equal(new[] { 0.0, 0, 1, 1, 1, 1 }, r["all_gather"]);
            // Rank 1 alone votes to stop: both ranks learn it is rank 1; then nobody (-1).
            Assert.Equal(new[] { 1.0, -1 }, r["first_rank_with"]);
            Assert.InRange(r["reducer_grad_max_abs_diff"][0], 0, 1e-5);
            // The layer the loss never reaches keeps no gradient, as under DDP's find_unused_parameters.
            Assert.Equal(new[] { 1.0 }, r["reducer_unused_grad_is_none"]);
            foreach (var key in new[] { "output", "grad_input", "grad_weight", "grad_bias", "running_mean", "running_var" })
                Assert.InRange(r[$"sync_bn_{key}_max_abs_diff"][0], 0, 1e-5);
        }
        // Averaged gradients and synchronised running statistics are the same on both ranks.
        Assert.Equal(ranks[0]["reducer_first_grad"], ranks[1]["reducer_first_grad"]);
        Assert.Equal(ranks[0]["sync_bn_running_var"], ranks[1]["sync_bn_running_var"]);
    }

    // "Within the timeout": RunCli fails the test if the job outlives Limit (a hang), and the
    // collectives wait at most --dist-timeout 10 s; no assertion on the measured time itself.
    [Theory]
    [InlineData("die")]
    [InlineData("hang")]
    public void ALostWorkerEndsTheJobWithinTheTimeoutNamingItsRank(string fault)
    {
        using var dir = new TempDirectory();
        var run = WorkerProcesses.RunCli(Limit, "dist-check", "--nproc-per-node", "2", "--master-port", WorkerProcesses.FreePort().ToString(),
                                         "--dist-timeout", "10", "--fault-drill", fault, "--fault-rank", "1", "--out", dir.Path);
        Assert.NotEqual(0, run.ExitCode);
        // A dead worker is named at once; a hung one makes rank 0's next collective time out.
        var named = fault == "die" ? "rank 1" : "rank 0";
        Assert.Contains($"distributed worker {named}", run.Error);
        Assert.False(File.Exists(dir.Combine("rank0.json")));
    }

    private static Dictionary<string, double[]> Read(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(path))!;
}
