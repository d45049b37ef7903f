using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Torch.optim;
using SemiSeg.Training;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Bench;

/// <summary>
/// One U2PL training setup built the way <see cref="Trainer"/> builds it (MethodRegistry, ModelFactory,
/// SGD with the backbone and head groups), and the trainer's step (<see cref="OptimizationStep"/>) with a
/// phase timer around each part: the method's own phases come from <see cref="U2plMethod.Timer"/>, the
/// read-back, backward, optimizer and EMA phases from OptimizationStep, the data and poly-lr phases
/// from here. Steps run in a semi-supervised epoch past the warm start (and past the epoch in which
/// the teacher is re-copied from the student before every step).
/// </summary>
internal sealed class U2plStepSession : IDisposable
{
    public const string DataPhase = "data (wait for the batch, to tensors)";
    public const string PolyLrPhase = "poly learning rate";
    public const string FreePhase = "free the step's tensors";

    private readonly ExperimentConfig config;
    private readonly U2plMethod method;
    private readonly TrainingModels models;
    private readonly SGD optimizer;
    private readonly GradScaler? scaler;   // trainer.amp fp16, as the trainer makes it
    private readonly int epoch;
    private long iteration;

    public U2plStepSession(ExperimentConfig config, long stepsPerEpoch)
    {
        this.config = config;
        DeviceCheck.Ensure(config.Device, config.SourcePath);   // one line, not the dispatcher's text, on a CPU build
        if (config.Threads > 0) T.NumThreads = config.Threads;
        T.ManualSeed(config.Seed);
        method = MethodRegistry.Create(config) as U2plMethod ?? throw new ArgumentException($"{config.SourcePath}: method must be u2pl");
        models = ModelFactory.Build(config, withTeacher: true, SilentObserver.Instance);
        optimizer = Trainer.CreateOptimizer(config, models.Student);
        scaler = config.Trainer.Amp.NeedsLossScaling ? new GradScaler() : null;
        StepsPerEpoch = stepsPerEpoch;
        epoch = config.Trainer.SupOnlyEpoch + 1;
        iteration = epoch * stepsPerEpoch;
    }

    public long StepsPerEpoch { get; }
    public SegmentationModel Student => models.Student;
    public CategoryMemoryBank? MemoryBank => method.MemoryBank;
    public int Epoch => epoch;

    /// <summary>
    /// One step as the trainer runs it. <paramref name="nextBatch"/> makes the step's input tensors
    /// (labelled images, labels, unlabelled images) in the step's dispose scope. Returns the logged losses.
    /// </summary>
    public IReadOnlyDictionary<string, double> Step(StepPhaseTimer timer, Func<(Tensor Images, Tensor Labels, Tensor Unlabeled)> nextBatch)
    {
        method.Timer = timer;
        IReadOnlyDictionary<string, double> values;
        var scope = T.NewDisposeScope();
        try
        {
            (Tensor Images, Tensor Labels, Tensor Unlabeled) batch;
            using (timer.Measure(DataPhase)) batch = nextBatch();
            var input = new StepInput(batch.Images, batch.Labels, batch.Unlabeled, null, epoch, config.Trainer.Epochs, iteration, StepsPerEpoch);
            using (timer.Measure(PolyLrPhase))
                PolyLR.Apply(optimizer, iteration, (long)config.Trainer.Epochs * StepsPerEpoch, config.Trainer.PolyPower);
            values = OptimizationStep.Run(method, models, optimizer, input,
                terms => new InvalidOperationException($"non-finite loss in the benchmark: {string.Join(", ", terms)}"), timer, scaler);
        }
        finally
        {
            using (timer.Measure(FreePhase)) scope.Dispose();
            method.Timer = null;
        }
        iteration++;
        return values;
    }

    /// <summary>Fills every class queue of the memory bank to its size with random features (it exists after the first step).</summary>
    public void FillMemoryBank(Generator generator)
    {
        var bank = method.MemoryBank ?? throw new InvalidOperationException("the memory bank is made by the first contrastive step; run a step first");
        for (var c = 0; c < bank.NumClasses; c++)
        {
            using var scope = T.NewDisposeScope();
            bank.Enqueue(c, T.Randn(new[] { bank.Capacity(c), bank.FeatureDim }, generator));   // Enqueue moves them to the bank's device
        }
    }

    /// <summary>Conv multiply-adds of one forward pass of one image of the given size.</summary>
    public long MacsPerImage(long height, long width)
    {
        // Eval mode: a single image through train-mode batch norm (after the ASPP's image pooling) is an error.
        models.Student.Eval();
        try { return MacCounter.Count(models.Student, config.Device, 1, 3, height, width); }
        finally { models.Student.Train(); }
    }

    public void Dispose()
    {
        scaler?.Dispose();
        optimizer.Dispose();
        models.Dispose();
        method.Dispose();
    }
}
