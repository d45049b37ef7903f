using SemiSeg.Methods;
using SemiSeg.Torch.optim;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The trainer's U2PL step (<see cref="OptimizationStep"/>) on a narrow ResNet-18 DeepLabv3+ and 2 + 2
/// random 32x32 images, on any device, without a dataset: the batches are drawn on the CPU from a
/// seeded generator and copied to the device, as a loader's are, so every device sees the same numbers.
/// Steps run past the warm start and past the epoch in which the teacher is re-copied before every step.
/// </summary>
internal sealed class TinyU2plStep : IDisposable
{
    private const int Classes = 11;
    private readonly Generator data = new(11);
    private long iteration;

    public TinyU2plStep(Device device, params string[] overrides)
    {
        // An untrained teacher on random images is nearly uniform over 11 classes: a low delta_p lets pixels be anchors.
        Config = ExperimentConfig.Parse(Yaml, Path.GetTempPath(), "tiny-u2pl", overrides.Prepend($"device={device}")
            .Append("trainer.contrastive.current_class_threshold=0.05"));
        Torch.NumThreads = 1;
        Torch.ManualSeed(Config.Seed);
        Method = (U2plMethod)MethodRegistry.Create(Config);
        Models = ModelFactory.Build(Config, withTeacher: true, SilentObserver.Instance);
        Optimizer = Trainer.CreateOptimizer(Config, Models.Student);
        iteration = 2 * StepsPerEpoch;
    }

    public const int StepsPerEpoch = 4;
    public ExperimentConfig Config { get; }
    public U2plMethod Method { get; }
    public TrainingModels Models { get; }
    public SGD Optimizer { get; }

    /// <summary>One step in epoch 2 (of 3); its logged losses. <paramref name="otherRankStopped"/>: the data-parallel stop vote.</summary>
    public IReadOnlyDictionary<string, double> Step(Func<bool, Exception?>? otherRankStopped = null)
    {
        using var scope = Torch.NewDisposeScope();
        var device = Config.Device;
        var input = new StepInput(Torch.Randn(new long[] { 2, 3, 32, 32 }, data).To(device),
                                  Torch.Randint(0, Classes, new long[] { 2, 32, 32 }, data).To(device),
                                  Torch.Randn(new long[] { 2, 3, 32, 32 }, data).To(device), null,
                                  Epoch: 2, Epochs: 3, Iteration: iteration++, StepsPerEpoch: StepsPerEpoch);
        PolyLR.Apply(Optimizer, input.Iteration, 3 * StepsPerEpoch, Config.Trainer.PolyPower);
        return OptimizationStep.Run(Method, Models, Optimizer, input, terms => new InvalidOperationException($"non-finite loss: {string.Join(", ", terms)}"),
                                    otherRankStopped: otherRankStopped);
    }

    /// <summary>Sum of |w| per parameter of the student, then the teacher (a checksum of what the steps changed).</summary>
    public double[] WeightSums()
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var all = Torch.Stack(Models.Student.Parameters().Concat(Models.Teacher!.Parameters()).Select(p => p.Abs().Sum().To(ScalarType.Float64)));
        return all.To(Device.CPU).ToArray<double>();
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Models.Dispose();
        Method.Dispose();
        data.Dispose();
    }

    private static readonly string Yaml = @"
method: u2pl
seed: 3
threads: 1
dataset:
  type: fashion_scenes
  train:
    data_root: unused
    data_list: unused/labeled.txt
    crop:
      type: rand
      size: [32, 32]
  val:
    data_root: unused
    data_list: unused/val.txt
  batch_size: 2
trainer:
  epochs: 3
  sup_only_epoch: 1
  optimizer:
    kwargs:
      lr: 0.01
" + TinyFashionRun.MethodSections("u2pl") + TinyFashionRun.NetSection;
}
