using SemiSeg.Methods;
using SemiSeg.Torch.optim;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// The trainer's loss-scaling path (trainer.amp fp16 on CUDA) run on the CPU in float32 with an injected
/// GradScaler (scale 1024, growth interval 3) and NaN gradients at the first step of each epoch (a
/// finite loss term whose gradient is NaN): skipped steps are counted in metrics.jsonl, the scaler goes
/// into the checkpoint, and a killed run resumed from its checkpoint ends where the uninterrupted run
/// ends, scale and growth tracker included (a resume that lost the scaler would start again at 1024).
/// </summary>
public class LossScalingTrainerTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public LossScalingTrainerTests(TinyFashionRun tiny) => this.tiny = tiny;

    private static Trainer NewTrainer(string config, string run, ITrainingObserver? observer = null) =>
        new(ExperimentConfig.Load(config), run, observer)
        {
            CreateScaler = _ => new GradScaler(initScale: 1024, growthInterval: 3),
            CreateMethod = c => new NanGradientAt(MethodRegistry.Create(c), 0, 2),
        };

    [Fact]
    public void SkippedStepsAreLoggedAndAResumedRunEndsWhereTheWholeOneEnds()
    {
        var path = tiny.WriteConfig("suponly");
        var whole = tiny.NewRunDirectory();
        NewTrainer(path, whole).Run();

        var killed = tiny.NewRunDirectory();
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => NewTrainer(path, killed, new CancelAfterEvaluation(cancel)).Run(cancel: cancel.Token));
        NewTrainer(path, killed).Run(resume: true);

        var a = RunRecords.ReadMetrics(Path.Combine(whole, "metrics.jsonl"));
        var b = RunRecords.ReadMetrics(Path.Combine(killed, "metrics.jsonl"));
        Assert.Equal(new long?[] { 1, 1 }, a.Select(r => r.AmpSkippedSteps));
        Assert.Equal(new double?[] { 512, 256 }, a.Select(r => r.LossScale));
        for (var k = 0; k < a.Count; k++)
        {
            Assert.Equal(a[k].AmpSkippedSteps, b[k].AmpSkippedSteps);
            Assert.Equal(a[k].LossScale, b[k].LossScale);
            Assert.Equal(a[k].MeanIoU, b[k].MeanIoU, 6);
            foreach (var (name, value) in a[k].Losses) Assert.Equal(value, b[k].Losses[name], 5);
        }
        using var ca = TorchFile.LoadDict(Path.Combine(whole, Checkpoint.Last));
        using var cb = TorchFile.LoadDict(Path.Combine(killed, Checkpoint.Last));
        using var sa = ca.GetDict("scaler");
        using var sb = cb.GetDict("scaler");
        Assert.Equal(sa.GetDouble("scale"), sb.GetDouble("scale"));
        Assert.Equal(sa.GetInt("_growth_tracker"), sb.GetInt("_growth_tracker"));
        Assert.Equal(a.Sum(r => r.AmpSkippedSteps), sb.GetInt("skipped_steps"));
        using var ma = ca.GetDict("model_state");
        using var mb = cb.GetDict("model_state");
        foreach (var key in ma.Keys)
        {
            using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
            var x = ma.GetTensor(key);
            if (!x.Dtype.IsFloatingPoint()) continue;
            Assert.True((x - mb.GetTensor(key)).Abs().Max().Item() < 1e-5, $"student {key} differs after resume");
        }
    }

    [Fact]
    public void WithoutLossScalingTheRecordsCarryNoAmpFields()
    {
        var run = tiny.NewRunDirectory();
        new Trainer(ExperimentConfig.Load(tiny.WriteConfig("suponly")), run).Run();
        Assert.DoesNotContain("amp_skipped_steps", File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
        using var checkpoint = TorchFile.LoadDict(Path.Combine(run, Checkpoint.Last));
        Assert.False(checkpoint.ContainsKey("scaler"));
    }

    /// <summary>Adds sqrt(|p - p.detach()|), zero with a NaN gradient, to the loss at the given iterations.</summary>
    private sealed class NanGradientAt(ISegmentationMethod inner, params long[] iterations) : ISegmentationMethod
    {
        public string Name => inner.Name;
        public bool UsesUnlabeled => inner.UsesUnlabeled;
        public bool UsesTeacher => inner.UsesTeacher;
        public bool UsesStrongImages => inner.UsesStrongImages;
        public StepLosses Step(StepInput input, TrainingModels models)
        {
            var losses = inner.Step(input, models);
            if (!iterations.Contains(input.Iteration)) return losses;
            var p = models.Student.Parameters().First();
            return new StepLosses(losses.Total + (p - p.Detach()).Abs().Sqrt().Sum(), losses.Terms);
        }
        public void AfterOptimizerStep(StepInput input, TrainingModels models) => inner.AfterOptimizerStep(input, models);
        public SemiSeg.Models.SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => inner.ModelToEvaluate(epoch, models);
        public void SaveState(TorchDict checkpoint) => inner.SaveState(checkpoint);
        public void LoadState(TorchDict checkpoint) => inner.LoadState(checkpoint);
        public void Dispose() => inner.Dispose();
    }

    private sealed class CancelAfterEvaluation(CancellationTokenSource cancel) : ITrainingObserver
    {
        public void OnStart(RunPlan plan) { }
        public void OnStep(StepReport report) { }
        public void OnEvaluation(EvaluationRecord record, bool isBest) => cancel.Cancel();
        public void OnMessage(string message) { }
    }
}
