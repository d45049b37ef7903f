using SemiSeg.Training;

namespace SemiSeg.Methods;

/// <summary>Builds the method a config names; one line per method.</summary>
public static class MethodRegistry
{
    public static ISegmentationMethod Create(ExperimentConfig config)
    {
        var criterion = new SupervisedCriterion(config.Criterion);
        var ema = new EmaTeacher(new EmaOptions { Decay = config.Net.EmaDecay, SupOnlyEpoch = config.Trainer.SupOnlyEpoch, IncludeBuffers = config.Net.EmaBuffers });
        // The method's own random stream (mix decisions, boxes, contrastive sampling) is separate from data and weights.
        var seed = config.Seed * 1_000_003UL + 17;
        return config.Method switch
        {
            "suponly" => new SupOnlyMethod(criterion),
            "mt" => new MeanTeacherMethod(criterion, config.Unsupervised, ema, mix: null, seed),
            "cutmix" => new MeanTeacherMethod(criterion, config.Unsupervised, ema, config.Unsupervised.ApplyAug ?? "cutmix", seed),
            "u2pl" => new U2plMethod(criterion, config.Unsupervised, config.Contrastive, ema, config.Net.NumClasses, seed, config.Profile),
            "imas" => new ImasMethod(criterion, config.Imas!, seed),
            "u2pl_ael" => new Ael.U2plAelMethod(criterion, config.Contrastive, config.Ael!, config.Net.NumClasses, seed),
            _ => throw new ArgumentException($"unknown method '{config.Method}'"),
        };
    }
}
