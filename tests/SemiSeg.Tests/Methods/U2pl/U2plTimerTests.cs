using SemiSeg.Methods;
using SemiSeg.Tests.Training;
using SemiSeg.Torch.optim;
using SemiSeg.Training;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>The benchmark's timer hook on U2PL sees every phase and changes nothing the step computes.</summary>
public class U2plTimerTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public U2plTimerTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void TimedStepsComputeTheSameLossesAndWeightsAsUntimedOnes()
    {
        // An untrained teacher on random images is nearly uniform over 11 classes: a low delta_p lets pixels be anchors.
        var config = ExperimentConfig.Parse(tiny.Config("u2pl"), tiny.Root, overrides: new[] { "trainer.contrastive.current_class_threshold=0.05" });
        var timer = new StepPhaseTimer();
        var (timedLosses, timedWeights) = TrainTwoSemiSupervisedSteps(config, timer);
        var (plainLosses, plainWeights) = TrainTwoSemiSupervisedSteps(config, null);

        Assert.Equal(plainLosses, timedLosses);
        Assert.Equal(plainWeights, timedWeights);
        Assert.True(plainLosses[1]["contrastive"] > 0, $"contrastive {plainLosses[1]["contrastive"]}: the memory bank path did not run");
        var phases = timer.Totals.ToDictionary(p => p.Phase, p => p.Seconds);
        var expected = typeof(U2plPhases).GetFields().Select(f => (string)f.GetValue(null)!).ToArray();
        Assert.Equal(8, expected.Length);
        foreach (var phase in expected)
            Assert.True(phases.GetValueOrDefault(phase) > 0, $"phase '{phase}' was not timed");
        Assert.Equal(expected.Order(), phases.Keys.Order());
    }

    /// <summary>Two steps of the trainer's sequence in the first semi-supervised epoch; the losses and a weight checksum.</summary>
    private static (List<Dictionary<string, double>> Losses, double[] Weights) TrainTwoSemiSupervisedSteps(ExperimentConfig config, StepPhaseTimer? timer)
    {
        Torch.NumThreads = config.Threads;
        Torch.ManualSeed(config.Seed);
        using var method = (U2plMethod)MethodRegistry.Create(config);
        using var models = ModelFactory.Build(config, withTeacher: true, SilentObserver.Instance);
        using var optimizer = new SGD(models.Student.Parameters(), 0.01, 0.9, 1e-4);
        using var generator = new Generator(11);
        method.Timer = timer;
        var losses = new List<Dictionary<string, double>>();
        for (var step = 0; step < 2; step++)
        {
            using var scope = Torch.NewDisposeScope();
            var input = new StepInput(Torch.Randn(new long[] { 2, 3, 32, 32 }, generator), Torch.Randint(0, 11, new long[] { 2, 32, 32 }, generator),
                                      Torch.Randn(new long[] { 2, 3, 32, 32 }, generator), null, Epoch: 1, Epochs: 2, Iteration: 2 + step, StepsPerEpoch: 2);
            models.Student.Train();
            var result = method.Step(input, models);
            losses.Add(result.ReadTerms().ToDictionary());
            optimizer.ZeroGrad();
            result.Total.Backward();
            optimizer.Step();
            method.AfterOptimizerStep(input, models);
        }
        using var weightScope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var weights = models.Student.Parameters().Concat(models.Teacher!.Parameters())
            .Select(p => p.Abs().Sum().To(ScalarType.Float64).Item()).ToArray();
        return (losses, weights);
    }
}
