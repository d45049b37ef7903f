namespace SemiSeg.Methods;

/// <summary>
/// The phase names a <see cref="StepPhaseTimer"/> attached to <see cref="U2plMethod"/> records, in
/// step order. The trainer's own parts (data, backward, optimizer, EMA) are timed by its caller.
/// </summary>
public static class U2plPhases
{
    public const string TeacherPseudoLabels = "teacher pseudo-label pass (eval)";
    public const string StrongMix = "strong mix (cutmix)";
    public const string StudentForward = "student forward";
    public const string SupervisedLoss = "supervised loss";
    public const string TeacherSecondPass = "teacher second pass (train mode)";
    public const string UnsupervisedLoss = "unsupervised loss (entropy partition, CE)";
    public const string ContrastiveLoss = "contrastive loss (masks, sampling, InfoNCE)";
    public const string MemoryBank = "memory bank (enqueue + sample)";
}
