using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 18, item 3: --resume with settings other than the run's is refused, naming the keys; nothing in the run folder changes.</summary>
public class ResumeSettingsTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public ResumeSettingsTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void ResumingWithOtherEpochsIsRefusedAndTheRunFolderIsKept()
    {
        var path = tiny.WriteConfig("suponly");
        var run = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), run).Run();
        var files = Directory.GetFiles(run).ToDictionary(f => f, File.ReadAllBytes);

        var error = Assert.Throws<SemiSeg.ConfigException>(() =>
            new Trainer(ExperimentConfig.Load(path, new[] { "trainer.epochs=5" }), run).Run(resume: true));
        Assert.Equal("trainer.epochs", error.Key);
        Assert.Contains("trainer.epochs is 5 here, 2 in the checkpoint", error.Message);
        Assert.DoesNotContain("\n", error.Message);
        foreach (var (file, bytes) in files) Assert.Equal(bytes, File.ReadAllBytes(file));

        // Where and how fast it runs may change.
        new Trainer(ExperimentConfig.Load(path, new[] { "threads=2", "dataset.workers=2" }), run).Run(resume: true);
    }

    [Fact]
    public void EveryChangedKeyIsNamedAndAbsentKeysCount()
    {
        var changes = ResumeCheck.Differences("a: 1\nb:\n  c: [1, 2]\nthreads: 1\n", "a: 1\nb:\n  c: [1, 3]\n  d: x\nthreads: 4\ndevice: cpu\n");
        Assert.Equal(new[] { ("b.c", (string?)"[1, 2]", (string?)"[1, 3]"), ("b.d", null, "x") }, changes);
    }

    [Fact]
    public void SyncBnInOneProcessSaysWhatItDoes()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "net.sync_bn=True" });
        var note = Assert.Single(config.Notes);
        Assert.Contains("net.sync_bn", note);
        Assert.Contains("trainer.world_size", note);
        Assert.Empty(ExperimentConfig.Load(tiny.WriteConfig("u2pl")).Notes);
        Assert.Empty(ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "net.sync_bn=True", "trainer.world_size=2" }).Notes);
    }

    [Fact]
    public void AutoResumeContinuesARunFolderWithACheckpoint()
    {
        var path = tiny.WriteConfig("suponly");
        var run = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path, new[] { "trainer.epochs=1" }), run).Run();
        Assert.Throws<InvalidOperationException>(() => new Trainer(ExperimentConfig.Load(path, new[] { "trainer.epochs=1" }), run).Run());

        var messages = new List<string>();
        var config = ExperimentConfig.Load(path, new[] { "trainer.epochs=1", "saver.auto_resume=True" });
        new Trainer(config, run, new MessageLog(messages)).Run();
        Assert.Contains(messages, m => m.Contains("saver.auto_resume"));
        Assert.Single(RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl")));
    }

    private sealed class MessageLog(List<string> messages) : ITrainingObserver
    {
        public void OnStart(RunPlan plan) { }
        public void OnStep(StepReport report) { }
        public void OnEvaluation(EvaluationRecord record, bool isBest) { }
        public void OnMessage(string message) => messages.Add(message);
    }
}
