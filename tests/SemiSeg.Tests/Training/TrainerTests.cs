using SemiSeg.Methods;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

public class TrainerTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public TrainerTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Theory]
    [InlineData("suponly", new[] { "sup" })]
    [InlineData("mt", new[] { "sup", "unsup" })]
    [InlineData("cutmix", new[] { "sup", "unsup" })]
    [InlineData("u2pl", new[] { "sup", "unsup", "contrastive" })]
    [InlineData("imas", new[] { "sup", "unsup" })]
    public void EveryMethodTrainsWithFiniteLossesAndMovesTheStudent(string method, string[] terms)
    {
        var liveBefore = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        var config = ExperimentConfig.Load(tiny.WriteConfig(method));
        var run = tiny.NewRunDirectory();
        var steps = new List<StepReport>();
        var summary = new Trainer(config, run, new RecordingObserver(steps)).Run();

        Assert.Equal(method, summary.Method);
        Assert.Equal(4, steps.Count);
        foreach (var step in steps)
            foreach (var term in terms.Append("total"))
                Assert.True(double.IsFinite(step.Losses[term]), $"{method} step {step.Iteration}: {term} = {step.Losses[term]}");
        // The semi-supervised epoch (the second) really uses the unlabelled images.
        if (method is "mt" or "cutmix" or "u2pl") Assert.True(steps[^1].Losses["unsup"] > 0, $"{method}: unsup {steps[^1].Losses["unsup"]}");
        if (method == "u2pl") Assert.True(steps[^1].Losses["contrastive"] > 0, $"contrastive {steps[^1].Losses["contrastive"]}");

        var metrics = RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(new[] { 0, 1 }, metrics.Select(m => m.Epoch));
        Assert.All(metrics, m => Assert.InRange(m.MeanIoU, 0, 1));
        Assert.True(File.Exists(Path.Combine(run, "config.yaml")));
        Assert.InRange(summary.FinalMeanIoU, 0, 1);

        // The student's weights moved away from their initialisation.
        using (var checkpoint = TorchFile.LoadDict(Path.Combine(run, Checkpoint.Last)))
        using (var initial = SemiSeg.Training.ModelFactory.Build(config, withTeacher: false, SilentObserver.Instance))
        {
            var trained = checkpoint.GetDict("model_state");
            var moved = initial.Student.StateDict().Count(kv => kv.Value.Dtype.IsFloatingPoint()
                && !TensorsEqual(kv.Value, trained.GetTensor(kv.Key)));
            Assert.True(moved > 10, $"{method}: only {moved} tensors changed");
            if (method == "u2pl") Assert.True(checkpoint.ContainsKey("memory_bank"));
            if (method != "suponly") Assert.True(checkpoint.ContainsKey("teacher_state"));
        }

        // The pictures for the report: fixed validation scenes, and U2PL's view of unlabelled scenes.
        var visuals = Path.Combine(run, "visuals");
        Assert.True(File.Exists(Path.Combine(visuals, "visuals.json")));
        Assert.Equal(6, Directory.GetFiles(visuals, "val_*_prediction.png").Length);
        Assert.Equal(method == "u2pl" ? 2 : 0, Directory.GetFiles(visuals, "unlabeled_*_entropy.png").Length);

        // Every tensor the run created was released (models, optimizer, memory bank, step temporaries).
        Assert.Equal(liveBefore, Tensor.LiveCount);
    }

    [Fact]
    public void ResumingAKilledRunEndsWhereAnUninterruptedRunEnds()
    {
        var path = tiny.WriteConfig("u2pl");
        var everyStep = new[] { "trainer.log_every=1" };
        var whole = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path, everyStep), whole).Run();

        var killed = tiny.NewRunDirectory();
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new CancelAfterEvaluation(cancel);
        Assert.Throws<OperationCanceledException>(() =>
            new Trainer(ExperimentConfig.Load(path, everyStep), killed, stopAfterFirstEpoch).Run(cancel: cancel.Token));
        Assert.Single(RunRecords.ReadMetrics(Path.Combine(killed, "metrics.jsonl")));
        // As if killed later: a line for a step past the checkpoint, then a line cut short mid-write.
        var stepsFile = Path.Combine(killed, StepLog.FileName);
        Assert.NotEmpty(StepLog.Read(stepsFile));
        File.AppendAllText(stepsFile, "{\"step\":100000,\"epoch\":5,\"losses\":{},\"lr\":0,\"steps\":1,\"step_seconds\":0,\"data_wait_seconds\":0}\n{\"step\":1000");
        new Trainer(ExperimentConfig.Load(path, everyStep), killed).Run(resume: true);

        // steps.jsonl: a line per step, none repeated or lost by the resume, the same numbers as the uninterrupted run.
        var wholeSteps = StepLog.Read(Path.Combine(whole, StepLog.FileName));
        var resumedSteps = StepLog.Read(Path.Combine(killed, StepLog.FileName));
        Assert.Equal(Enumerable.Range(1, wholeSteps.Count).Select(i => (long)i), wholeSteps.Select(s => s.Step));
        Assert.Equal(wholeSteps.Select(s => s.Step), resumedSteps.Select(s => s.Step));
        for (var k = 0; k < wholeSteps.Count; k++)
        {
            Assert.Equal(wholeSteps[k].LearningRate, resumedSteps[k].LearningRate, 12);
            foreach (var (name, value) in wholeSteps[k].Losses) Assert.Equal(value, resumedSteps[k].Losses[name], 5);
        }

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
        using var sa = ca.GetDict("teacher_state");
        using var sb = cb.GetDict("teacher_state");
        foreach (var key in sa.Keys)
        {
            using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
            var x = sa.GetTensor(key);
            if (!x.Dtype.IsFloatingPoint()) continue;
            Assert.True((x - sb.GetTensor(key)).Abs().Max().Item() < 1e-5, $"teacher {key} differs after resume");
        }
    }

    // The EMA averages parameters only, so the teacher's batch-norm statistics must come from its own
    // train-mode passes: one per step, in the warm start and in the semi-supervised epochs alike
    // (with stale statistics an MT teacher's pseudo-labels degraded as its weights moved on).
    [Theory]
    [InlineData("mt")]
    [InlineData("cutmix")]
    [InlineData("u2pl")]
    public void TheTeachersBatchNormStatisticsFollowEveryStep(string method)
    {
        var run = tiny.NewRunDirectory();
        var steps = new List<StepReport>();
        new Trainer(ExperimentConfig.Load(tiny.WriteConfig(method)), run, new RecordingObserver(steps)).Run();
        using var checkpoint = TorchFile.LoadDict(Path.Combine(run, Checkpoint.Last));
        using var teacher = checkpoint.GetDict("teacher_state");
        var counters = teacher.Keys.Select(k => k.AsString()).Where(k => k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(counters);
        foreach (var key in counters)
        {
            using var count = teacher.GetTensor(key);
            Assert.Equal(steps.Count, count.ItemInt());
        }
    }

    // eval_on: False evaluates after the last epoch only; eval_every: 2 after every second epoch and the last.
    // An epoch without evaluation keeps its metrics line, with "miou": null (NaN is not JSON).
    [Theory]
    [InlineData("trainer.eval_on=False", new[] { false, false, false, false, true })]
    [InlineData("trainer.eval_every=2", new[] { false, true, false, true, true })]
    public void EpochsWithoutEvaluationAreRecordedWithANullMiou(string setting, bool[] evaluated)
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("suponly"), new[] { setting, "trainer.epochs=5" });
        var run = tiny.NewRunDirectory();
        var summary = new Trainer(config, run).Run();
        var metrics = RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(evaluated, metrics.Select(m => !double.IsNaN(m.MeanIoU)).ToArray());
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Contains("\"miou\":null", lines[0]);
        Assert.Equal(metrics[^1].MeanIoU, summary.FinalMeanIoU);
        Assert.Equal(metrics.Where(m => !double.IsNaN(m.MeanIoU)).Max(m => m.MeanIoU), summary.BestMeanIoU);
    }

    [Fact]
    public void SaverPretrainLoadsTheStudentAndTheTeacherOfACheckpoint()
    {
        var path = tiny.WriteConfig("u2pl");
        var run = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(path), run).Run();
        var saved = Path.Combine(run, Checkpoint.Last);
        var config = ExperimentConfig.Load(path, new[] { $"saver.pretrain={saved}" });
        using var checkpoint = TorchFile.LoadDict(saved);
        using var models = SemiSeg.Training.ModelFactory.Build(config, withTeacher: true, SilentObserver.Instance);
        using var studentState = checkpoint.GetDict("model_state");
        using var teacherState = checkpoint.GetDict("teacher_state");
        var teacher = models.Teacher!.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        var teacherDiffersFromStudent = false;
        foreach (var (key, value) in models.Student.StateDict())
        {
            using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
            Assert.True(TensorsEqual(value, studentState.GetTensor(key)), $"student {key}");
            var teacherValue = teacher[key];
            Assert.True(TensorsEqual(teacherValue, teacherState.GetTensor(key)), $"teacher {key}");
            if (value.Dtype.IsFloatingPoint() && !TensorsEqual(value, teacherValue)) teacherDiffersFromStudent = true;
        }
        // After a semi-supervised epoch the EMA teacher is not the student: the teacher really came from teacher_state.
        Assert.True(teacherDiffersFromStudent);
    }

    [Fact]
    public void TheReportCommandRendersAFinishedRun()
    {
        var runs = new[] { "suponly", "u2pl" }.Select(m =>
        {
            var run = tiny.NewRunDirectory();
            new Trainer(ExperimentConfig.Load(tiny.WriteConfig(m)), run).Run();
            return run;
        }).ToList();
        var html = Path.Combine(tiny.Root, "report.html");
        SemiSeg.Reporting.RunReport.Write(runs, html);
        var page = File.ReadAllText(html);
        var u2pl = RunRecords.ReadSummary(Path.Combine(runs[1], "summary.json"));
        // summary.json names the profile a U2PL run trained under (issue 15's records), and none for SupOnly.
        Assert.Equal(("paper", 1), (u2pl.Profile, u2pl.WorldSize));
        Assert.Null(RunRecords.ReadSummary(Path.Combine(runs[0], "summary.json")).Profile);
        Assert.Contains((u2pl.BestMeanIoU * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), page);
        Assert.Contains("suponly", page);
        Assert.Contains("data:image/png;base64,", page);
        Assert.Contains("data:image/svg+xml;base64,", page);
        Assert.True(Directory.GetFiles(Path.Combine(tiny.Root, "report_figures"), "*.png").Length >= 3);
    }

    [Fact]
    public void RefusesToOverwriteAFinishedRunAndToResumeWithoutACheckpoint()
    {
        var path = tiny.WriteConfig("suponly");
        var run = tiny.NewRunDirectory();
        var fresh = Assert.Throws<FileNotFoundException>(() => new Trainer(ExperimentConfig.Load(path), run).Run(resume: true));
        Assert.Contains("ckpt.pth", fresh.Message);
        new Trainer(ExperimentConfig.Load(path), run).Run();
        var again = Assert.Throws<InvalidOperationException>(() => new Trainer(ExperimentConfig.Load(path), run).Run());
        Assert.Contains("--resume", again.Message);
    }

    [Fact]
    public void ANonFiniteLossStopsTheRunNamingTheStepAndKeepsTheLastGoodCheckpoint()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("suponly"));
        var run = tiny.NewRunDirectory();
        // SupOnly whose loss turns NaN at the first step of the second epoch (iteration 2).
        var trainer = new Trainer(config, run) { CreateMethod = c => new NanAfter(MethodRegistry.Create(c), iteration: 2) };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
        Assert.Contains("epoch 2 of 2, step 3 of 4", error.Message);
        Assert.Contains(Checkpoint.Last, error.Message);
        using var checkpoint = TorchFile.LoadDict(Path.Combine(run, Checkpoint.Last));
        Assert.Equal(1, checkpoint.GetInt("epoch"));
        Assert.Single(RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl")));
    }

    private sealed class NanAfter(ISegmentationMethod inner, long iteration) : ISegmentationMethod
    {
        public string Name => inner.Name;
        public bool UsesUnlabeled => inner.UsesUnlabeled;
        public bool UsesTeacher => inner.UsesTeacher;
        public bool UsesStrongImages => inner.UsesStrongImages;
        public StepLosses Step(StepInput input, TrainingModels models)
        {
            var losses = inner.Step(input, models);
            if (input.Iteration < iteration) return losses;
            var nan = losses.Total * double.NaN;
            return new StepLosses(nan, new[] { ("sup", nan) });
        }
        public void AfterOptimizerStep(StepInput input, TrainingModels models) => inner.AfterOptimizerStep(input, models);
        public SemiSeg.Models.SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => inner.ModelToEvaluate(epoch, models);
        public void SaveState(TorchDict checkpoint) => inner.SaveState(checkpoint);
        public void LoadState(TorchDict checkpoint) => inner.LoadState(checkpoint);
        public void Dispose() => inner.Dispose();
    }

    private static bool TensorsEqual(Tensor a, Tensor b)
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        return (a - b).Abs().Max().Item() == 0;
    }

    private sealed class RecordingObserver(List<StepReport> steps) : ITrainingObserver
    {
        public void OnStart(RunPlan plan) { }
        public void OnStep(StepReport report) => steps.Add(report);
        public void OnEvaluation(EvaluationRecord record, bool isBest) { }
        public void OnMessage(string message) { }
    }

    private sealed class CancelAfterEvaluation(CancellationTokenSource cancel) : ITrainingObserver
    {
        public void OnStart(RunPlan plan) { }
        public void OnStep(StepReport report) { }
        public void OnEvaluation(EvaluationRecord record, bool isBest) => cancel.Cancel();
        public void OnMessage(string message) { }
    }
}
