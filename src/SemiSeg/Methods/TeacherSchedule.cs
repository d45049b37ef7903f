using SemiSeg.Models;

namespace SemiSeg.Methods;

/// <summary>
/// The U2PL warm start and EMA teacher schedule shared by MT, CutMix and U2PL: supervised only for
/// sup_only_epoch epochs (the teacher forwards the labelled images in train mode so its batch-norm
/// statistics follow); during epoch sup_only_epoch the student is copied into the teacher before every
/// step; after every semi-supervised step teacher = EMA(teacher, student) with the official ramp.
/// </summary>
internal sealed class TeacherSchedule
{
    private readonly EmaTeacher ema;

    public TeacherSchedule(EmaTeacher ema) => this.ema = ema;

    public int WarmEpochs => ema.Options.SupOnlyEpoch;

    public bool IsWarm(int epoch) => epoch < ema.Options.SupOnlyEpoch;

    public void BeforeSemiStep(int epoch, TrainingModels models)
    {
        if (ema.CopiesBeforeStep(epoch)) EmaTeacher.Copy(models.RequireTeacher(), models.Student, ema.Options.IncludeBuffers);
    }

    /// <summary>
    /// The teacher forwards a batch in train mode without gradients, for its batch-norm running
    /// statistics only (the EMA averages parameters, not these buffers).
    /// </summary>
    public static void FollowBatchStatistics(SegmentationModel teacher, Tensor images)
    {
        teacher.Train();
        using var noGrad = Torch.Torch.NoGrad();
        using var _ = teacher.Forward(images);
    }

    public void AfterStep(StepInput input, TrainingModels models)
    {
        if (!ema.UpdatesAfterStep(input.Epoch)) return;
        var decay = ema.DecayAt(input.Iteration, input.Epoch, input.StepsPerEpoch);
        ema.Update(models.RequireTeacher(), models.Student, decay);
    }

    /// <summary>The official validation: the student during the warm start, the teacher after.</summary>
    public SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) =>
        IsWarm(epoch) ? models.Student : models.RequireTeacher();
}
