using SemiSeg.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Methods;

/// <summary>
/// The paper's re-implemented baselines: MT (Mean Teacher: EMA teacher, cross-entropy of the
/// student on the teacher's pseudo-labels, every pixel, no entropy filter, no contrastive loss) and
/// CutMix (the same with CutMix on the unlabelled images). Same schedule as U2PL: warm start,
/// copy, EMA with the official ramp; and, as U2PL's second teacher pass does, the teacher forwards
/// the step's batch in train mode so its batch-norm statistics follow. The EMA averages parameters
/// only, so without that pass the teacher would keep the statistics of the warm start while its
/// weights moved on, and its pseudo-labels would degrade as training goes.
/// </summary>
public sealed class MeanTeacherMethod : ISegmentationMethod
{
    private readonly SupervisedCriterion criterion;
    private readonly UnsupervisedOptions unsupervised;
    private readonly TeacherSchedule schedule;
    private readonly Generator generator;
    private readonly string? mix;

    /// <param name="mix">null for MT; "cutmix" (or cutout / classmix) for the CutMix baseline</param>
    public MeanTeacherMethod(SupervisedCriterion criterion, UnsupervisedOptions unsupervised, EmaTeacher ema, string? mix, ulong seed)
    {
        this.criterion = criterion;
        this.unsupervised = unsupervised;
        this.mix = mix;
        schedule = new TeacherSchedule(ema);
        generator = new Generator(seed);
    }

    public string Name => mix is null ? "mt" : "cutmix";
    public bool UsesUnlabeled => true;
    public bool UsesTeacher => true;
    public bool UsesStrongImages => false;

    public StepLosses Step(StepInput input, TrainingModels models)
    {
        var teacher = models.RequireTeacher();
        if (schedule.IsWarm(input.Epoch))
        {
            var warm = SupervisedStep.Loss(criterion, models.Student.Forward(input.LabeledImages), input.Labels, input.Labels.Size(0));
            TeacherSchedule.FollowBatchStatistics(teacher, input.LabeledImages);
            return new StepLosses(warm, new[] { ("sup", warm), ("unsup", Torch.Torch.Zeros(Array.Empty<long>(), device: input.Labels.Device)) });
        }
        schedule.BeforeSemiStep(input.Epoch, models);
        var unlabeled = input.UnlabeledImages ?? throw new ArgumentException($"{Name} needs unlabelled images");
        var pseudo = PseudoLabels.Make(teacher, unlabeled, input.Height, input.Width);
        pseudo = PseudoLabels.MaybeMix(pseudo, mix, mix is null ? 0 : unsupervised.AugProbability, generator);

        var labeledCount = input.Labels.Size(0);
        var images = Torch.Torch.Cat(new[] { input.LabeledImages, pseudo.Images });
        var output = models.Student.Forward(images);
        TeacherSchedule.FollowBatchStatistics(teacher, images);
        var supervised = SupervisedStep.Loss(criterion, output, input.Labels, labeledCount);
        var studentUnlabeled = Upsample.ToLabels(output.Prediction.Narrow(0, labeledCount, pseudo.Images.Size(0)), input.Height, input.Width);
        var unsup = F.CrossEntropy(studentUnlabeled, pseudo.Labels, ignoreIndex: PixelLabels.IgnoreIndex) * unsupervised.LossWeight;
        return new StepLosses(supervised + unsup, new[] { ("sup", supervised), ("unsup", unsup) });
    }

    public void AfterOptimizerStep(StepInput input, TrainingModels models) => schedule.AfterStep(input, models);
    public SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => schedule.ModelToEvaluate(epoch, models);

    public void SaveState(TorchDict checkpoint) => GeneratorState.Save(checkpoint, generator);

    public void LoadState(TorchDict checkpoint) => GeneratorState.Load(checkpoint, generator);

    public void Dispose() => generator.Dispose();
}
