using System.Text.Json;
using SemiSeg.Methods;
using SemiSeg.Tests.Methods;
using SemiSeg.Tests.Torch.Distributed;
using SemiSeg.Torch.Serialization;
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

    /// <summary>
    /// A semi-supervised U2PL epoch after the warm one: the memory bank of each worker takes both workers'
    /// negatives (the official all_gather), so the bank rank 0 saves equals the one-process simulation's,
    /// and the losses and mIoU of both epochs agree. The contrastive weight is 0 and the strong mix off,
    /// because their samples come from each rank's own generator (as on the official GPUs), not from the
    /// simulation's single one; every rank's generator is in the checkpoint, and resuming with another
    /// number of processes is refused.
    /// </summary>
    [Fact]
    public void TwoWorkersFillTheMemoryBankAsOneProcessWithTheGlobalBatch()
    {
        var config = tiny.Config("u2pl")
            .Replace("      dilations: [1, 2, 3]\n", "      dilations: [1, 2, 3]\n      dropout: 0\n")
            .Replace("  num_classes: 11\n", "  num_classes: 11\n  sync_bn: True\n")
            .Replace("    apply_aug: cutmix\n", "    apply_aug: none\n")
            .Replace("    num_queries: 8\n", "    num_queries: 8\n    loss_weight: 0\n");
        Assert.Contains("loss_weight: 0", config);
        Assert.Contains("apply_aug: none", config);
        var single = tiny.NewRunDirectory();
        var singleConfig = Write(config.Replace("trainer:\n", "trainer:\n  world_size: 2\n"));
        new Trainer(ExperimentConfig.Load(singleConfig), single).Run();

        var workers = tiny.NewRunDirectory();
        var workersConfig = Write(config);
        var run = WorkerProcesses.RunCli(Limit, "train", "--config", workersConfig, "--out", workers, "--nproc-per-node", "2",
                                         "--master-port", WorkerProcesses.FreePort().ToString(), "--dist-timeout", "120");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");

        var expected = Epochs(single);
        var actual = Epochs(workers);
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (var e = 0; e < expected.Count; e++)
        {
            Close(expected[e].GetProperty("miou").GetDouble(), actual[e].GetProperty("miou").GetDouble(), $"epoch {e + 1} miou");
            foreach (var loss in expected[e].GetProperty("losses").EnumerateObject())
                Close(loss.Value.GetDouble(), actual[e].GetProperty("losses").GetProperty(loss.Name).GetDouble(), $"epoch {e + 1} {loss.Name}");
        }
        Assert.True(expected[1].GetProperty("losses").GetProperty("unsup").GetDouble() > 0, "the second epoch is semi-supervised");

        using (SemiSeg.Torch.Torch.NewDisposeScope())
        using (var one = TorchFile.LoadDict(Path.Combine(single, Checkpoint.Last)))
        using (var two = TorchFile.LoadDict(Path.Combine(workers, Checkpoint.Last)))
        {
            var bankOne = one.GetDict("memory_bank").ToTensors().ToDictionary(kv => kv.Key, kv => kv.Value);
            var bankTwo = two.GetDict("memory_bank").ToTensors().ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(bankOne.Keys.Order(), bankTwo.Keys.Order());
            var entries = 0L;
            foreach (var (key, tensor) in bankOne)
            {
                TensorAssert.Close(tensor, bankTwo[key], 1e-4, $"memory bank {key}");
                entries += tensor.Dtype.IsFloatingPoint() ? tensor.Size(0) : 0;
            }
            Assert.True(entries > 0, "the bank received negatives");

            Assert.Equal(1, one.GetInt(Checkpoint.ProcessesKey));
            Assert.Equal(2, two.GetInt(Checkpoint.ProcessesKey));
            Assert.False(one.ContainsKey(U2plMethod.RankGeneratorsKey));
            using var ranks = two.GetTensor(U2plMethod.RankGeneratorsKey);
            using var rank0 = two.GetTensor("method_generator");
            Assert.Equal(2, ranks.Size(0));
            using var first = ranks.Select(0, 0);
            TensorAssert.Equal(rank0, first, "rank 0's generator");
        }

        var refused = Assert.Throws<ArgumentException>(() => new Trainer(ExperimentConfig.Load(workersConfig), workers).Run(resume: true));
        Assert.Contains("2 data-parallel processes", refused.Message);
        Assert.Contains("--nproc-per-node 2", refused.Message);
    }

    [Fact]
    public void AWorkerGivenCudaTrainsOnTheGpuOfItsLocalRank()
    {
        var plain = ExperimentConfig.Load(Write(tiny.Config("suponly").Replace("seed: 3\n", "seed: 3\ndevice: cuda\n")));
        var named = ExperimentConfig.Load(Write(tiny.Config("suponly").Replace("seed: 3\n", "seed: 3\ndevice: cuda:1\n")));
        Assert.Equal(Device.CUDA(3), DistributedTraining.DeviceOfWorker(plain.Device, plain.DeviceIndexGiven, 3));
        Assert.Equal(Device.CUDA(1), DistributedTraining.DeviceOfWorker(named.Device, named.DeviceIndexGiven, 3));
        Assert.Equal(Device.CPU, DistributedTraining.DeviceOfWorker(Device.CPU, false, 3));
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
