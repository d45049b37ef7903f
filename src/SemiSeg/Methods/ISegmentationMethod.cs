using SemiSeg.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Methods;

/// <summary>
/// A training method is its per-step loss and its own state (a memory bank, a generator); the
/// trainer owns data, optimisation, evaluation and checkpoints. Adding a method is one class
/// implementing this and a line in <see cref="MethodRegistry"/>.
/// </summary>
public interface ISegmentationMethod : IDisposable
{
    /// <summary>The config name: suponly, mt, cutmix, u2pl, imas.</summary>
    string Name { get; }

    /// <summary>True when the step needs unlabelled images.</summary>
    bool UsesUnlabeled { get; }

    /// <summary>True when the method keeps an EMA teacher.</summary>
    bool UsesTeacher { get; }

    /// <summary>True when the loader should also produce a strongly (intensity-) augmented copy of unlabelled images.</summary>
    bool UsesStrongImages { get; }

    /// <summary>Forward passes and losses for one step; called inside the step's dispose scope.</summary>
    StepLosses Step(StepInput input, TrainingModels models);

    /// <summary>Work after the optimizer step (the EMA update of the teacher).</summary>
    void AfterOptimizerStep(StepInput input, TrainingModels models);

    /// <summary>The model that is evaluated (and used to predict) after an epoch.</summary>
    SegmentationModel ModelToEvaluate(int epoch, TrainingModels models);

    /// <summary>Adds the method's own state (memory bank, generator) to a checkpoint.</summary>
    void SaveState(TorchDict checkpoint);

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    void LoadState(TorchDict checkpoint);
}
