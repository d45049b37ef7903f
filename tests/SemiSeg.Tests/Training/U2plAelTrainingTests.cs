using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// Method u2pl_ael trains on tiny FashionScenes from a config with the with_AEL branch's keys
/// (2 epochs of 2 steps), keeps its banks in the checkpoint, and a killed run resumed from it ends
/// where the uninterrupted run ends.
/// </summary>
public class U2plAelTrainingTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public U2plAelTrainingTests(TinyFashionRun tiny) => this.tiny = tiny;

    // The tiny U2PL config with the branch's sections: no warm start, no trainer.unsupervised,
    // dataset.acp, dataset.train.acm, criterion.cons and contra_weight, the contrastive loss from epoch 1.
    private string WriteConfig()
    {
        var yaml = tiny.Config("u2pl")
            .Replace("method: u2pl\n", "method: u2pl_ael\n")
            .Replace("  sup_only_epoch: 1\n", "  sup_only_epoch: 0\n")
            .Replace("  unsupervised:\n    drop_percent: 80\n    apply_aug: cutmix\n", "")
            .Replace("    background_queue_size: 128\n", "    background_queue_size: 128\n    start_epoch: 1\n")
            .Replace("    strong_ops: 2\n", "    acm:\n      area_thresh: 0.005\n      area_thresh2: 0.01\n      no_pad: True\n      no_slim: True\n")
            .Replace("  batch_size: 2\n  workers: 1\n", "  batch_size: 2\n  workers: 1\n  acp:\n    rand_resize: [0.5, 1.5]\n    prob: 0.2\n    number: 3\n    ignore_cat: [0]\n")
            + "criterion:\n  contra_weight: 0.1\n  cons:\n    sample: True\n    gamma: 2\n";
        Assert.Contains("method: u2pl_ael", yaml);
        Assert.Contains("acm:", yaml);
        var path = Path.Combine(tiny.Root, $"u2pl_ael-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void TrainsTwoStepsPerEpochWithFiniteLossesAndSavesItsBanks()
    {
        var liveBefore = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        var config = ExperimentConfig.Load(WriteConfig());
        Assert.Equal("u2pl_ael", config.Method);
        Assert.Equal(0, config.Trainer.SupOnlyEpoch);
        Assert.Equal(10, config.Trainer.HeadLearningRateTimes);
        Assert.Equal(new[] { 0 }, config.Ael!.PasteIgnoredCategories);
        var run = tiny.NewRunDirectory();
        var summary = new Trainer(config, run).Run();
        Assert.Equal("u2pl_ael", summary.Method);
        var metrics = RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(new[] { 0, 1 }, metrics.Select(m => m.Epoch));
        foreach (var m in metrics)
            foreach (var term in new[] { "sup", "unsup", "contrastive", "total" })
                Assert.True(double.IsFinite(m.Losses[term]), $"epoch {m.Epoch}: {term} = {m.Losses[term]}");
        Assert.True(metrics[0].Losses["unsup"] > 0, "the consistency losses run from the first step");
        using (var checkpoint = TorchFile.LoadDict(Path.Combine(run, Checkpoint.Last)))
        {
            Assert.True(checkpoint.ContainsKey("ael_confidence_bank"));
            Assert.True(checkpoint.ContainsKey("ael_cutmix_bank"));
            Assert.True(checkpoint.ContainsKey("memory_bank"));
            using var cutmix = checkpoint.GetDict("ael_cutmix_bank");
            using var bank = cutmix.GetTensor("cutmix_bank");
            using var total = bank.Sum();
            Assert.True(total.Item() > 0, "the teacher's classes entered the CutMix bank");
        }
        // Every tensor the run created was released (models, banks, generators, step temporaries).
        Assert.Equal(liveBefore, Tensor.LiveCount);
    }

    [Fact]
    public void ResumingAKilledRunEndsWhereAnUninterruptedRunEnds()
    {
        var path = WriteConfig();
        var whole = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), whole).Run();
        var killed = tiny.NewRunDirectory();
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => new Trainer(ExperimentConfig.Load(path), killed, new CancelAfterEvaluation(cancel)).Run(cancel: cancel.Token));
        new Trainer(ExperimentConfig.Load(path), killed).Run(resume: true);

        var a = RunRecords.ReadMetrics(Path.Combine(whole, "metrics.jsonl"));
        var b = RunRecords.ReadMetrics(Path.Combine(killed, "metrics.jsonl"));
        Assert.Equal(a.Select(r => r.Epoch), b.Select(r => r.Epoch));
        for (var k = 0; k < a.Count; k++)
        {
            Assert.Equal(a[k].MeanIoU, b[k].MeanIoU, 6);
            foreach (var (name, value) in a[k].Losses) Assert.Equal(value, b[k].Losses[name], 5);
        }
        using var ca = TorchFile.LoadDict(Path.Combine(whole, Checkpoint.Last));
        using var cb = TorchFile.LoadDict(Path.Combine(killed, Checkpoint.Last));
        foreach (var key in new[] { "ael_confidence_bank", "ael_cutmix_bank" })
        {
            using var da = ca.GetDict(key);
            using var db = cb.GetDict(key);
            foreach (var name in da.Keys)
            {
                using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
                Assert.True((da.GetTensor(name) - db.GetTensor(name)).Abs().Max().Item() < 1e-6, $"{key} {name} differs after resume");
            }
        }
    }

    private sealed class CancelAfterEvaluation(CancellationTokenSource cancel) : ITrainingObserver
    {
        public void OnStart(RunPlan plan) { }
        public void OnStep(StepReport report) { }
        public void OnEvaluation(EvaluationRecord record, bool isBest) => cancel.Cancel();
        public void OnMessage(string message) { }
    }
}
