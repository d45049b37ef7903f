using System.Diagnostics;
using System.Text.Json;
using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Torch.optim;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// Runs a method over epochs: SGD with the backbone at the base learning rate and the heads at
/// head_lr_times of it, the poly schedule per iteration, evaluation after every epoch (the teacher
/// after the warm start), checkpoints (last and best) and the run records. Writes into the run
/// folder: config.yaml, metrics.jsonl, steps.jsonl (trainer.log_every), summary.json, ckpt.pth, ckpt_best.pth. trainer.amp fp16 adds
/// a loss scaler (<see cref="GradScaler"/>), saved in the checkpoints.
/// </summary>
public sealed class Trainer
{
    private readonly ExperimentConfig config;
    private readonly string runDirectory;
    private readonly ITrainingObserver observer;

    /// <summary>Builds the method; tests replace it to inject a method with known behaviour.</summary>
    internal Func<ExperimentConfig, ISegmentationMethod> CreateMethod { get; init; } = MethodRegistry.Create;

    /// <summary>The loss scaler (fp16 only, GradScaler's defaults); tests inject one to run loss scaling on the CPU.</summary>
    internal Func<ExperimentConfig, GradScaler?> CreateScaler { get; init; } = c => c.Trainer.Amp.NeedsLossScaling ? new GradScaler() : null;

    public Trainer(ExperimentConfig config, string runDirectory, ITrainingObserver? observer = null)
    {
        // A data-parallel worker given "cuda" trains on the GPU its LOCAL_RANK names, as torchrun scripts do.
        var env = Torch.Distributed.DistributedEnvironment.FromProcess();
        this.config = env.IsDistributed ? config with { Device = DistributedTraining.DeviceOfWorker(config.Device, config.DeviceIndexGiven, env.LocalRank) } : config;
        this.runDirectory = Path.GetFullPath(runDirectory);
        this.observer = StepLog.Around(observer ?? SilentObserver.Instance, config.Trainer.LogEvery, this.runDirectory);
    }

    public string MetricsPath => Path.Combine(runDirectory, "metrics.jsonl");
    public string SummaryPath => Path.Combine(runDirectory, "summary.json");

    /// <param name="cancel">stops at once (the run folder keeps the last committed epoch)</param>
    /// <param name="stop">SIGTERM/Ctrl-C: the current step finishes, ckpt.pth saves the run up to it, and a <see cref="TrainingStoppedException"/> follows</param>
    public RunSummary Run(bool resume = false, CancellationToken cancel = default, CancellationToken stop = default)
    {
        // Data-parallel (torchrun's environment): rank 0 alone writes the run folder and reports.
        using var distributed = DistributedTraining.Join(config);
        var main = distributed?.IsMain ?? true;
        var processes = distributed?.WorldSize ?? 1;
        var observer = main ? this.observer : SilentObserver.Instance;
        // Everything that can refuse the run does so before the run folder is created or touched.
        DeviceCheck.Ensure(config.Device, config.SourcePath);
        var lastCheckpoint = Path.Combine(runDirectory, Checkpoint.Last);
        if (resume && !File.Exists(lastCheckpoint))
            throw new FileNotFoundException($"--resume: no checkpoint {lastCheckpoint} to continue from", lastCheckpoint);
        // Rank 0 alone holds the run folder (the other ranks of a data-parallel run share it without writing).
        using var folderLock = main ? RunFolderLock.Acquire(runDirectory, resume ? "semiseg train --resume" : "semiseg train") : null;
        if (main)
            foreach (var leftover in AtomicFile.RemoveLeftovers(runDirectory)) observer.OnMessage($"removed {leftover}, left by an interrupted write");
        var state = new RunState(runDirectory);
        // saver.auto_resume (official): a run folder with a checkpoint is continued, as the official trainer does.
        var autoResume = !resume && config.AutoResume && File.Exists(lastCheckpoint);
        if (autoResume) observer.OnMessage($"saver.auto_resume: True, so the run in {runDirectory} is continued from {Checkpoint.Last}");
        resume |= autoResume;
        if (!resume && state.HoldsARun)
            throw new InvalidOperationException($"{runDirectory} already holds a run ({(File.Exists(lastCheckpoint) ? Checkpoint.Last : "metrics.jsonl")}); " +
                                                "pass --resume to continue it or choose another --out");
        // Read once: checked against the config now, before anything is built, and restored from below.
        using var resumeFrom = resume ? TorchFile.LoadDict(lastCheckpoint) : null;
        if (resumeFrom is not null) ResumeCheck.Ensure(resumeFrom, lastCheckpoint, config, processes);
        if (config.Threads > 0) Torch.Torch.NumThreads = config.Threads;
        Torch.Torch.ManualSeed(config.Seed);

        using var method = CreateMethod(config);
        var data = DataSources.Open(config.Data, method.UsesUnlabeled);
        if (data.ClassNames.Count != config.Net.NumClasses)
            throw new ArgumentException($"net.num_classes is {config.Net.NumClasses} but the dataset has {data.ClassNames.Count} classes ({string.Join(", ", data.ClassNames)})");
        if (method is IUsesTrainingData reader) reader.AttachData(data);
        using var models = ModelFactory.Build(config, method.UsesTeacher, observer);
        using var optimizer = CreateOptimizer(config, models.Student);
        using var scaler = CreateScaler(config);

        // Data-parallel: each rank loads only its rows of the global batch.
        var stream = data.TrainingStream(config.Data, config.Seed, method.UsesStrongImages, config.Profile.WorldSize * processes,
                                         processes, distributed?.Rank ?? 0);
        // Data-parallel: each rank reads and predicts only its batches of the validation set.
        var validationLoader = data.ValidationShard(config.Data, processes, distributed?.Rank ?? 0);
        var stepsPerEpoch = Math.Min(stream.StepsPerEpoch, config.Trainer.MaxStepsPerEpoch ?? int.MaxValue);
        var totalSteps = (long)config.Trainer.Epochs * stepsPerEpoch;

        var position = new Checkpoint.Position(0, 0, double.NegativeInfinity, -1);
        if (resume)
        {
            // Rank 0 alone repairs what a kill left behind the checkpoint; the other ranks only read it.
            position = Checkpoint.Restore(resumeFrom!, lastCheckpoint, models, optimizer, method, scaler, main ? state : null);
            resumeFrom!.Dispose();   // its tensors are copied into the models, optimizer and method: not kept for the run
            observer.OnMessage($"resuming from {lastCheckpoint} after {position.EpochsDone} epochs and {position.Step} steps");
        }
        distributed?.Prepare(config, models, method);
        if (config.Trainer.Amp.SlowOnCpuWarning(config.Device) is { } slow) observer.OnMessage(slow);
        if (main) AtomicFile.WriteAllText(Path.Combine(runDirectory, "config.yaml"), config.ResolvedYaml);
        observer.OnStart(new RunPlan(method.Name, config.Trainer.Epochs, position.EpochsDone, stepsPerEpoch, data.Labeled.Count,
            data.Unlabeled?.Count ?? 0, data.Validation.Count, models.Student.Parameters().Sum(p => p.NumEl), Torch.Torch.NumThreads, runDirectory));
        foreach (var note in config.Notes) observer.OnMessage(note);

        var run = new RunParts(method, models, optimizer, scaler, data, stream, validationLoader, stepsPerEpoch, totalSteps, lastCheckpoint,
                               state, distributed, main, processes, observer, new DivergenceGuard(config.Trainer.DivergenceFactor));
        var clock = Stopwatch.StartNew();
        var previousSeconds = RunRecords.PreviousTrainSeconds(MetricsPath);
        for (var epoch = position.EpochsDone; epoch < config.Trainer.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var waitBefore = stream.TotalWaitSeconds;
            var skippedBefore = scaler?.SkippedSteps ?? 0;
            var losses = TrainEpoch(run, epoch, position, waitBefore, clock, cancel, stop);
            position = CommitEpoch(run, epoch, position, losses, waitBefore, skippedBefore, epochClock, previousSeconds, clock);
            var stopAfterEpoch = distributed?.AnyRank(stop.IsCancellationRequested) ?? stop.IsCancellationRequested;
            if (stopAfterEpoch && epoch + 1 < config.Trainer.Epochs) throw Stopped($"after epoch {epoch + 1}", lastCheckpoint);
        }
        if (main && config.Trainer.Epochs > 0) RunVisuals.Write(runDirectory, config, data, models, method, config.Trainer.Epochs - 1);
        return RunRecords.ReadSummary(SummaryPath);
    }

    /// <summary>What the epochs of one run share, built once by <see cref="Run"/> (which owns and disposes it all).</summary>
    private sealed record RunParts(ISegmentationMethod Method, TrainingModels Models, SGD Optimizer, GradScaler? Scaler, DataSources Data,
        ITrainingStream Stream, Data.PrefetchLoader? Validation, int StepsPerEpoch, long TotalSteps, string LastCheckpoint, RunState State,
        DistributedTraining? Distributed, bool Main, int Processes, ITrainingObserver Observer, DivergenceGuard Guard);

    /// <summary>
    /// The steps of <paramref name="epoch"/> from where the run stands (a run stopped part way through it continues from
    /// the step after the last one it saved); returns the epoch's loss sums. A stop signal (<paramref name="stop"/>) ends
    /// it after the current step: the checkpoint saves the run up to that step and a <see cref="TrainingStoppedException"/> follows.
    /// </summary>
    private LossAverages TrainEpoch(RunParts run, int epoch, Checkpoint.Position position, double waitBefore, Stopwatch clock,
                                    CancellationToken cancel, CancellationToken stop)
    {
        var step = (int)Math.Max(0, position.Step - (long)epoch * run.StepsPerEpoch);
        var losses = position.EpochLosses ?? new LossAverages();
        foreach (var (labeled, unlabeled) in run.Stream.Epoch(epoch).Skip(step))
        {
            if (step >= run.StepsPerEpoch) break;
            cancel.ThrowIfCancellationRequested();
            var iteration = (long)epoch * run.StepsPerEpoch + step;
            PolyLR.Apply(run.Optimizer, iteration, run.TotalSteps, config.Trainer.PolyPower);
            var stepClock = Stopwatch.StartNew();
            var values = TrainStep(run, labeled, unlabeled, epoch, iteration);
            losses.Add(values);
            run.Observer.OnStep(new StepReport(epoch, step, run.StepsPerEpoch, iteration, run.TotalSteps, values, run.Optimizer.Groups[0].LearningRate,
                stepClock.Elapsed.TotalSeconds, run.Stream.TotalWaitSeconds - waitBefore, clock.Elapsed.TotalSeconds));
            step++;
            // Every rank stops after the same step: a signal reaches the workers at slightly different times.
            var stopping = run.Distributed?.AnyRank(stop.IsCancellationRequested) ?? stop.IsCancellationRequested;
            if (stopping && step < run.StepsPerEpoch)
            {
                var partial = position with { Step = iteration + 1 };
                var scored = run.Method.ModelToEvaluate(epoch, run.Models) == run.Models.Student ? "student" : "teacher";
                run.Distributed?.GatherMethodState(run.Method);
                if (run.Main)
                    AtomicFile.Write(run.LastCheckpoint, path => Checkpoint.Save(path, run.Models, run.Optimizer, run.Method, partial, config, scored,
                                                                                 run.Scaler, epochLosses: losses, processes: run.Processes));
                run.Distributed?.Barrier();
                throw Stopped($"after step {step} of {run.StepsPerEpoch} in epoch {epoch + 1}", run.LastCheckpoint);
            }
        }
        return losses;
    }

    /// <summary>
    /// After an epoch's steps: evaluation (when due), then the epoch committed in one atomic step (checkpoint, best
    /// checkpoint, metrics line and summary; <see cref="RunState.Advance"/>) by rank 0. Returns where the run stands.
    /// </summary>
    private Checkpoint.Position CommitEpoch(RunParts run, int epoch, Checkpoint.Position position, LossAverages losses, double waitBefore,
                                           long skippedBefore, Stopwatch epochClock, double previousSeconds, Stopwatch clock)
    {
        var evaluated = run.Method.ModelToEvaluate(epoch, run.Models);
        var result = config.Trainer.EvaluatesAfter(epoch)
            ? Validation.Run(evaluated, run.Validation, config.Data, config.Net.NumClasses, config.Device, distributed: run.Distributed)
            : null;
        var miou = result?.MeanIoU ?? double.NaN;
        var isBest = result is not null && miou > position.BestMeanIoU;
        position = new Checkpoint.Position(epoch + 1, (long)(epoch + 1) * run.StepsPerEpoch,
                                           isBest ? miou : position.BestMeanIoU, isBest ? epoch : position.BestEpoch);
        var evaluatedName = evaluated == run.Models.Student ? "student" : "teacher";
        var record = new EvaluationRecord(epoch, position.Step, miou, RunRecords.Nullable(result?.IoU ?? Array.Empty<double>()),
            losses.Averages(), run.Optimizer.Groups[0].LearningRate, evaluatedName,
            run.Stream.TotalWaitSeconds - waitBefore, epochClock.Elapsed.TotalSeconds)
        {
            AmpSkippedSteps = run.Scaler is null ? null : run.Scaler.SkippedSteps - skippedBefore,
            LossScale = run.Scaler?.CurrentScale,
        };
        run.Distributed?.GatherMethodState(run.Method);
        if (run.Main)
        {
            var summaryText = RunRecords.SummaryText(config, run.Data, position, record, previousSeconds + clock.Elapsed.TotalSeconds, run.Processes);
            var outcome = new EpochOutcome(record, summaryText, isBest);
            var committed = position;
            run.State.Advance(path => Checkpoint.Save(path, run.Models, run.Optimizer, run.Method, committed, config, evaluatedName, run.Scaler,
                                                      outcome, processes: run.Processes), outcome);
            run.Observer.OnEvaluation(record, isBest);
        }
        run.Distributed?.Barrier();
        return position;
    }

    private TrainingStoppedException Stopped(string where, string checkpoint) =>
        new($"stopped by a signal {where} of {config.Trainer.Epochs}; {checkpoint} holds the run up to there: continue it with train --resume");

    /// <summary>The official optimizer: SGD with the encoder at the base learning rate and the heads at head_lr_times it.</summary>
    public static SGD CreateOptimizer(ExperimentConfig config, SegmentationModel student) => new(new[]
    {
        new ParamGroup(student.EncoderParameters(), config.Trainer.LearningRate),
        new ParamGroup(student.HeadParameters(), config.Trainer.LearningRate * config.Trainer.HeadLearningRateTimes),
    }, config.Trainer.Momentum, config.Trainer.WeightDecay);

    private IReadOnlyDictionary<string, double> TrainStep(RunParts run, Data.SampleBatch labeled, Data.SampleBatch? unlabeled, int epoch, long iteration)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var l = labeled.ToTensors(config.Device);
        var u = unlabeled?.ToTensors(config.Device);
        var input = new StepInput(l.Images, l.Labels, u?.Images, u?.StrongImages, epoch, config.Trainer.Epochs, iteration, run.StepsPerEpoch,
                                  unlabeled?.Indices);
        // Epochs and steps counted from 1, as the progress display counts them.
        var where = $"epoch {epoch + 1} of {config.Trainer.Epochs}, step {iteration + 1} of {run.TotalSteps}";
        var lastGood = File.Exists(run.LastCheckpoint) ? $"the last good checkpoint is {run.LastCheckpoint} (the loss stayed finite and bounded up to it)"
                                                       : "no checkpoint was written yet";
        var distributed = run.Distributed;
        var values = OptimizationStep.Run(run.Method, run.Models, run.Optimizer, input, terms => new TrainingDivergedException(
            $"non-finite loss at {where} ({string.Join(", ", terms.Select(kv => $"{kv.Key}={kv.Value}"))}); {lastGood}"), scaler: run.Scaler,
            exploding: terms => run.Guard.Check(terms["total"]) is { } reason ? new TrainingDivergedException($"loss exploding at {where}: {reason}; {lastGood}") : null,
            reducer: distributed?.Reducer,
            otherRankStopped: distributed is null ? null : stops => distributed.FirstRankWith(stops) is { } rank && !stops
                ? new TrainingDivergedException($"rank {rank} stopped at {where} on a non-finite or exploding loss (its own message says which); {lastGood}")
                : null);
        if (distributed is not null) values = distributed.AverageOverRanks(values);
        l.Dispose();
        u?.Dispose();
        return values;
    }
}
