using SemiSeg.Methods;
using SemiSeg.Torch.optim;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// A training checkpoint in PyTorch's .pth format with the official U2PL keys (epoch = epochs
/// finished, model_state, teacher_state, optimizer_state, best_miou) plus what an exact resume needs:
/// the step, the best epoch, which network the epoch's evaluation scored (evaluated_model: student
/// during the warm start, teacher after, so eval and predict use the model the score belongs to),
/// libtorch's default generator (dropout), the method's state (memory bank, its generator), the loss
/// scaler of fp16 training (GradScaler's state_dict under "scaler") and the
/// resolved config. Written atomically: a crash leaves the previous file.
/// </summary>
public static class Checkpoint
{
    public const string Last = "ckpt.pth";
    public const string Best = "ckpt_best.pth";
    /// <summary>Key of the network the epoch's evaluation scored: "student" (model_state) or "teacher" (teacher_state).</summary>
    public const string EvaluatedModel = "evaluated_model";

    /// <summary>Where a run stands; <see cref="Step"/> beyond EpochsDone whole epochs means a run stopped part way through an epoch.</summary>
    public sealed record Position(int EpochsDone, long Step, double BestMeanIoU, int BestEpoch)
    {
        /// <summary>The loss sums of the epoch in progress (a run stopped part way through it).</summary>
        internal LossAverages? EpochLosses { get; init; }
    }

    /// <summary>Key of the number of processes of the data-parallel run that wrote the checkpoint (absent: one).</summary>
    public const string ProcessesKey = "processes";

    /// <summary>Key of the epoch in progress' loss sums in a checkpoint written part way through an epoch.</summary>
    public const string EpochLossesKey = "epoch_losses";

    public static void Save(string path, TrainingModels models, SGD optimizer, ISegmentationMethod method, Position position, ExperimentConfig config,
                            string evaluatedModel, GradScaler? scaler = null, EpochOutcome? outcome = null,
                            LossAverages? epochLosses = null, int processes = 1)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var checkpoint = new TorchDict();
        checkpoint.Set("epoch", position.EpochsDone);
        checkpoint.Set("step", position.Step);
        checkpoint.Set("best_miou", position.BestMeanIoU);
        checkpoint.Set("best_epoch", position.BestEpoch);
        checkpoint.Set("method", method.Name);
        checkpoint.Set(ProcessesKey, processes);
        checkpoint.Set(EvaluatedModel, evaluatedModel);
        checkpoint.Set("model_state", TorchDict.FromTensors(models.Student.StateDict()));
        if (models.Teacher is { } teacher) checkpoint.Set("teacher_state", TorchDict.FromTensors(teacher.StateDict()));
        checkpoint.Set("optimizer_state", optimizer.StateDict());
        using (var generator = Generator.Default())
        using (var rng = generator.GetState())
            checkpoint.Set("torch_rng_state", TorchValue.FromTensor(rng));
        method.SaveState(checkpoint);
        if (scaler is not null) checkpoint.Set("scaler", scaler.StateDict());
        checkpoint.Set("config", config.ResolvedYaml);
        checkpoint.Set("config_dir", config.Directory);
        if (epochLosses is not null) checkpoint.Set(EpochLossesKey, epochLosses.ToDict());
        if (outcome is not null)
        {
            checkpoint.Set(EpochOutcome.RecordKey, System.Text.Json.JsonSerializer.Serialize(outcome.Record));
            checkpoint.Set(EpochOutcome.SummaryKey, outcome.SummaryText);
        }
        TorchFile.Save(path, checkpoint);
    }

    /// <summary>
    /// Restores everything <see cref="Save"/> wrote into live objects; returns where the run stood.
    /// A checkpoint without a scaler (a run started with another trainer.amp) leaves the scaler at its start.
    /// With <paramref name="state"/>, first completes the files a kill left behind the checkpoint (<see cref="RunState.Repair"/>).
    /// </summary>
    /// <param name="checkpoint">the checkpoint read from <paramref name="path"/> (named in errors); the caller disposes it</param>
    public static Position Restore(TorchDict checkpoint, string path, TrainingModels models, SGD optimizer, ISegmentationMethod method,
                                   GradScaler? scaler = null, RunState? state = null)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        state?.Repair(checkpoint);
        var saved = checkpoint.ContainsKey("method") ? checkpoint.GetString("method") : "?";
        if (saved != method.Name)
            throw new InvalidDataException($"{path}: checkpoint of method '{saved}', but the config trains '{method.Name}'");
        try
        {
            models.Student.LoadStateDict(checkpoint.GetDict("model_state").ToTensors());
            if (models.Teacher is { } teacher) teacher.LoadStateDict(checkpoint.GetDict("teacher_state").ToTensors());
        }
        catch (Torch.nn.StateDictMismatchException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint's network does not fit the config's (nothing was loaded):{e.Report.DescribeProblems()}");
        }
        optimizer.LoadStateDict(checkpoint.GetDict("optimizer_state"));
        using (var generator = Generator.Default()) generator.SetState(checkpoint.GetTensor("torch_rng_state"));
        try { method.LoadState(checkpoint); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or KeyNotFoundException or InvalidCastException)
        {
            throw new InvalidDataException($"{path}: the method's state does not fit the config: {e.Message}", e);
        }
        if (scaler is not null && checkpoint.ContainsKey("scaler"))
            scaler.LoadStateDict(checkpoint.GetDict("scaler"), models.Student.Parameters().First().Device);
        return new Position((int)checkpoint.GetInt("epoch"), checkpoint.GetInt("step"),
                            checkpoint.GetDouble("best_miou"), (int)checkpoint.GetInt("best_epoch"))
        {
            EpochLosses = checkpoint.ContainsKey(EpochLossesKey) ? LossAverages.FromDict(checkpoint.GetDict(EpochLossesKey)) : null,
        };
    }
}
