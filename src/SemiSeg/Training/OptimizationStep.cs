using SemiSeg.Methods;
using SemiSeg.Torch.optim;

namespace SemiSeg.Training;

/// <summary>
/// What a training step does once its batch is on the device, shared by <see cref="Trainer"/> and the
/// step benchmark so that what the benchmark times is what training runs: the student in train mode,
/// the method's losses, one host read of every logged term, a stop on a non-finite loss (before it
/// reaches the weights), backward, the SGD step, then the method's after-step work (the EMA teacher).
/// With a <see cref="GradScaler"/> (trainer.amp: fp16), backward runs on the scaled loss and the SGD
/// step is skipped when a gradient is inf or NaN, as PyTorch's scaler.scale(loss).backward();
/// scaler.step(optimizer); scaler.update(). The caller sets the learning rate before and owns the
/// dispose scope around it. With a <see cref="Torch.Distributed.GradientReducer"/> (several ranks) the
/// gradients are averaged over the ranks during backward, as under DistributedDataParallel.
/// </summary>
public static class OptimizationStep
{
    public const string ReadLossesPhase = "read logged losses (one host read)";
    public const string BackwardPhase = "student backward";
    public const string OptimizerPhase = "optimizer (zero grad, SGD step)";
    public const string EmaPhase = "EMA teacher update";

    /// <summary>
    /// Runs the step and returns the logged loss terms. <paramref name="nonFinite"/> makes the exception
    /// thrown when a term is NaN or infinite; <paramref name="exploding"/>, when given, the exception for finite
    /// terms that must not be stepped on (null to go on); <paramref name="timer"/>, when given, times each phase.
    /// <paramref name="otherRankStopped"/> (data-parallel runs) is called once per step on every rank with whether
    /// this rank stops here, and returns the exception to stop with when another rank does (else null), so that no
    /// rank waits in backward's all-reduce for one that has left.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Run(ISegmentationMethod method, TrainingModels models, SGD optimizer, StepInput input,
        Func<IReadOnlyDictionary<string, double>, Exception> nonFinite, StepPhaseTimer? timer = null, GradScaler? scaler = null,
        Func<IReadOnlyDictionary<string, double>, Exception?>? exploding = null, Torch.Distributed.GradientReducer? reducer = null,
        Func<bool, Exception?>? otherRankStopped = null)
    {
        models.Student.Train();
        reducer?.PrepareForForward();
        var losses = method.Step(input, models);
        IReadOnlyDictionary<string, double> values;
        using (timer?.Measure(ReadLossesPhase)) values = losses.ReadTerms();
        var stop = values.Values.Any(v => !double.IsFinite(v)) ? nonFinite(values) : exploding?.Invoke(values);
        // Data-parallel: one vote per step on every rank (a collective), before backward's all-reduce.
        if (otherRankStopped?.Invoke(stop is not null) is { } other) stop ??= other;
        if (stop is not null) throw stop;
        using (timer?.Measure(OptimizerPhase)) optimizer.ZeroGrad();
        // Data-parallel: the reducer averages the gradients over the ranks during backward.
        reducer?.PrepareForBackward(losses.Total);
        using (timer?.Measure(BackwardPhase)) (scaler is null ? losses.Total : scaler.Scale(losses.Total)).Backward();
        using (timer?.Measure(OptimizerPhase))
        {
            if (scaler is null) optimizer.Step();
            else
            {
                scaler.Step(optimizer);
                scaler.Update();
            }
        }
        using (timer?.Measure(EmaPhase)) method.AfterOptimizerStep(input, models);
        return values;
    }
}
