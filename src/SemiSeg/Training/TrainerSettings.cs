using SemiSeg.Config;
using SemiSeg.Models;

namespace SemiSeg.Training;

/// <summary>
/// The config's <c>trainer:</c> section outside the method-specific parts: epochs, sup_only_epoch,
/// eval_on, optimizer (SGD kwargs lr, momentum, weight_decay) and lr_scheduler (poly, power). Ours:
/// optimizer.head_lr_times (decoder and aux head learning-rate factor; the official code uses 10 on
/// PASCAL VOC and 1 elsewhere), max_steps_per_epoch (a cap for quick runs), eval_every (evaluate every N
/// epochs, for runs of many short epochs), log_every (steps.jsonl every N steps), amp (mixed precision of the models' forward: off, bf16 or
/// fp16; fp16 trains with dynamic loss scaling and needs a CUDA device). The official SupOnly
/// configs' start_epochs is accepted and unused, as by the official code.
/// </summary>
public sealed record TrainerSettings
{
    public int Epochs { get; init; } = 80;
    public int SupOnlyEpoch { get; init; } = 1;
    public bool EvalOn { get; init; } = true;
    public double LearningRate { get; init; } = 0.001;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 0.0001;
    public double HeadLearningRateTimes { get; init; } = 10;
    public double PolyPower { get; init; } = 0.9;
    public int? MaxStepsPerEpoch { get; init; }

    /// <summary>Ours: evaluate every this many epochs (and always after the last), when eval_on.</summary>
    public int EvalEvery { get; init; } = 1;

    /// <summary>
    /// Ours: a line in steps.jsonl every this many training steps (<see cref="StepLog"/>); 0 turns it
    /// off. 10 as the official train_semi.py logs its loss terms and learning rate every 10 iterations.
    /// </summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Ours: mixed precision of the student's and the teacher's forward (trainer.amp).</summary>
    public AmpMode Amp { get; init; } = AmpMode.Off;

    /// <summary>trainer.divergence_factor (ours): a finite total loss above this times the recent median stops the run (0: off). See <see cref="DivergenceGuard"/>.</summary>
    public double DivergenceFactor { get; init; } = 1000;

    /// <summary>Whether the epoch (0-based) ends with an evaluation: the last one always does.</summary>
    public bool EvaluatesAfter(int epoch) => epoch == Epochs - 1 || (EvalOn && (epoch + 1) % EvalEvery == 0);

    internal static TrainerSettings Read(ConfigNode root, DataConfig data)
    {
        var t = root.Section("trainer");
        var optimizer = t.Section("optimizer");
        optimizer.Choice("type", "SGD", "SGD");
        var kwargs = optimizer.Section("kwargs");
        var scheduler = t.Section("lr_scheduler");
        scheduler.Choice("mode", "poly", "poly");
        // In the official SupOnly configs; train_sup.py never reads it (a resumed run starts from the checkpoint's epoch).
        t.Accept("start_epochs");
        var epochs = t.Int("epochs", 80, 1, 100_000);
        var settings = new TrainerSettings
        {
            Epochs = epochs,
            SupOnlyEpoch = t.Int("sup_only_epoch", 1, 0, epochs),
            EvalOn = t.Bool("eval_on", true),
            EvalEvery = t.Int("eval_every", 1, 1, 100_000),
            LogEvery = t.Int("log_every", 10, 0, 1_000_000),
            LearningRate = kwargs.Double("lr", 0.001, 0, 10),
            Momentum = kwargs.Double("momentum", 0.9, 0, 1),
            WeightDecay = kwargs.Double("weight_decay", 0.0001, 0, 1),
            HeadLearningRateTimes = optimizer.Double("head_lr_times", data.IsPascal ? 10 : 1, 0, 1000),
            PolyPower = scheduler.Section("kwargs").Double("power", 0.9, 0, 100),
            MaxStepsPerEpoch = t.IntOrNull("max_steps_per_epoch", 1),
            Amp = AmpMode.TryParse(t.Choice("amp", AmpMode.Off.Name, AmpMode.Names))!,
            DivergenceFactor = t.Double("divergence_factor", 1000, 0, 1e12),
        };
        if (settings.LearningRate <= 0) throw t.Error("trainer.optimizer.kwargs.lr", "must be positive");
        return settings;
    }
}
