using System.Text.Json;
using SemiSeg.Tests.Torch.Distributed;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// `semiseg train --nproc-per-node 2` against one process with the same global batch under the
/// matching per-replica semantics (trainer.world_size 2: batch norm over the whole batch as
/// sync_bn, the supervised loss per replica chunk and averaged as DDP averages gradients). U2PL's
/// supervised warm-up epoch, which also leaves the representation head without gradient
/// (find_unused_parameters); dropout 0, since its masks are drawn per process.
/// </summary>
public class DistributedTrainingTests : IClassFixture<TinyFashionRun>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(300);
    private readonly TinyFashionRun tiny;

    public DistributedTrainingTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void TwoWorkersTrainAsOneProcessWithTheGlobalBatch()
    {
        var config = tiny.Config("u2pl")
            .Replace("  epochs: 2\n", "  epochs: 1\n")
            .Replace("      dilations: [1, 2, 3]\n", "      dilations: [1, 2, 3]\n      dropout: 0\n")
            .Replace("  num_classes: 11\n", "  num_classes: 11\n  sync_bn: True\n");
        var single = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(Write(config.Replace("trainer:\n", "trainer:\n  world_size: 2\n"))), single).Run();

        var workers = tiny.NewRunDirectory();
        var run = WorkerProcesses.RunCli(Limit, "train", "--config", Write(config), "--out", workers, "--nproc-per-node", "2",
                                         "--master-port", WorkerProcesses.FreePort().ToString(), "--dist-timeout", "120");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(workers, "summary.json")));
        Assert.Equal(2, summary.RootElement.GetProperty("world_size").GetInt32());
        var expected = Epochs(single);
        var actual = Epochs(workers);
        Assert.Equal(expected.Count, actual.Count);
        for (var e = 0; e < expected.Count; e++)
        {
            Close(expected[e].GetProperty("miou").GetDouble(), actual[e].GetProperty("miou").GetDouble(), "miou");
            foreach (var loss in expected[e].GetProperty("losses").EnumerateObject())
                Close(loss.Value.GetDouble(), actual[e].GetProperty("losses").GetProperty(loss.Name).GetDouble(), loss.Name);
        }
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(Math.Abs(expected), 1e-12),
                    $"{what}: one process {expected:R}, two workers {actual:R}");

    private string Write(string text)
    {
        var path = Path.Combine(tiny.Root, $"dist-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static List<JsonElement> Epochs(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
}
