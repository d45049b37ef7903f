using SemiSeg.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Methods;

/// <summary>SupOnly: the labelled images alone (the official train_sup.py step).</summary>
public sealed class SupOnlyMethod : ISegmentationMethod
{
    private readonly SupervisedCriterion criterion;

    public SupOnlyMethod(SupervisedCriterion criterion) => this.criterion = criterion;

    public string Name => "suponly";
    public bool UsesUnlabeled => false;
    public bool UsesTeacher => false;
    public bool UsesStrongImages => false;

    public StepLosses Step(StepInput input, TrainingModels models)
    {
        var output = models.Student.Forward(input.LabeledImages);
        var supervised = SupervisedStep.Loss(criterion, output, input.Labels, input.Labels.Size(0));
        return new StepLosses(supervised, new[] { ("sup", supervised) });
    }

    public void AfterOptimizerStep(StepInput input, TrainingModels models) { }
    public SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => models.Student;
    public void SaveState(TorchDict checkpoint) { }
    public void LoadState(TorchDict checkpoint) { }
    public void Dispose() { }
}
