using SemiSeg.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Methods;

/// <summary>
/// iMAS (Zhao et al., CVPR 2023), as its train_semi.py does it (see docs/imas.md): a per-image
/// score from the agreement of teacher and student on the weak view, weighted by each model's
/// share of confident pixels; the strong view mixed with the weak one by the score; CutMix of weak
/// views triggered with the batch-mean score, pairing easy with hard images; the unsupervised
/// cross-entropy on confident teacher pseudo-labels weighted per image by the score; an EMA
/// teacher over parameters and buffers.
/// </summary>
public sealed class ImasMethod : ISegmentationMethod
{
    private readonly SupervisedCriterion criterion;
    private readonly ImasOptions options;
    private readonly EmaTeacher ema;
    // Two streams, as the official step has: numpy's (strong/weak picks, CutMix trigger, box centres)
    // and Python's random (the box side). With the same seed the first draws what numpy draws.
    private readonly Generator generator;
    private readonly Generator sideGenerator;

    public ImasMethod(SupervisedCriterion criterion, ImasOptions options, ulong seed)
    {
        this.criterion = criterion;
        this.options = options.Validate();
        ema = new EmaTeacher(options.Ema);
        generator = new Generator(seed);
        sideGenerator = new Generator(seed ^ SideSeedSalt);
    }

    private const ulong SideSeedSalt = 0x5DEECE66DUL;

    public string Name => "imas";
    public bool UsesUnlabeled => true;
    public bool UsesTeacher => true;
    public bool UsesStrongImages => options.StrongAug;

    public StepLosses Step(StepInput input, TrainingModels models)
    {
        if (input.Epoch < options.Ema.SupOnlyEpoch) return SupervisedOnly(input, models);
        var teacher = models.RequireTeacher();
        var weak = input.UnlabeledImages ?? throw new ArgumentException("imas needs unlabelled images");
        var (height, width) = (input.Height, input.Width);
        var labeledCount = input.Labels.Size(0);
        var unlabeledCount = weak.Size(0);

        // 1-3: both models on the weak view (eval mode, no gradients): scores and pseudo-labels.
        Tensor scores, pseudoLabels, confidence;
        using (Torch.Torch.NoGrad())
        {
            models.Student.Eval();
            teacher.Eval();
            using var studentWeak = models.Student.Forward(weak);
            using var teacherWeak = teacher.Forward(weak);
            var studentLogits = Upsample.ToLabels(studentWeak.Prediction, height, width);
            var teacherLogits = Upsample.ToLabels(teacherWeak.Prediction, height, width);
            scores = ImasHardness.Score(studentLogits, teacherLogits, options.Threshold, options.FlagUsingV1,
                                        options.FlagCalIouWeighted, options.FlagCalIouIgnoreBg);
            var source = options.FlagEmaPseudo ? teacherLogits : studentLogits;
            (confidence, pseudoLabels) = F.Softmax(source, 1).Max(1);
        }
        models.Student.Train();

        // 4: the strong view, blended with the weak one by the score.
        var strong = options.StrongAug && input.StrongImages is { } strongImages
            ? ImasAugmentation.MixStrongWithWeak(strongImages, weak, scores, options.FlagAugsMixupByHard, generator)
            : null;

        // 5: CutMix of weak views, triggered by the batch-mean score, easy paired with hard.
        (Tensor Images, Tensor Labels, Tensor Confidence)? mixed = null;
        if (options.UseCutmix)
        {
            var probability = options.FlagCmixTriggerByHard ? scores.Mean().Item() : options.UseCutmixTriggerProb;
            if (ImasAugmentation.Triggered(probability, generator))
            {
                // cut_mix_by_hardness pairs by score whenever hardness_aware is set, whatever triggered it.
                var partners = ImasAugmentation.EasyHardPartners(scores);
                var randomScale = options.FlagMappingRandom ? scores.Mean().Item() : (double?)null;
                mixed = ImasAugmentation.CutMix(weak, pseudoLabels, confidence, partners, options.UseCutmixRange, generator, randomScale, sideGenerator);
            }
        }

        // Without a strong view (strong_aug off) and without CutMix the official loader hands a copy of
        // the weak view as the "strong" one and the loss is taken on it (train_semi.py:471-475, 514-518).
        if (strong is null && mixed is null) strong = weak;

        // 6: one student forward over labelled, weak, (cut-mixed), (strong) images, in the official
        // order. The weak predictions are unused, but the weak images enter batch-norm statistics.
        var parts = new List<Tensor> { input.LabeledImages, weak };
        if (mixed is { } m) parts.Add(m.Images);
        if (strong is not null) parts.Add(strong);
        var output = models.Student.Forward(Torch.Torch.Cat(parts));
        var supervised = SupervisedStep.Loss(criterion, output, input.Labels, labeledCount);

        // 7: the unsupervised loss on each view, averaged when both exist (train_semi.py:493-520).
        var weights = options.FlagHardnessWeightedLoss ? scores : null;
        Tensor ViewLoss(long offset, Tensor labels, Tensor viewConfidence) =>
            ImasUnsupervisedLoss.Compute(Upsample.ToLabels(output.Prediction.Narrow(0, offset, unlabeledCount), height, width),
                                         labels, viewConfidence, options.Threshold, weights, options.LossWeight);
        var afterWeak = labeledCount + unlabeledCount;
        var mixedLoss = mixed is { } mix ? ViewLoss(afterWeak, mix.Labels, mix.Confidence) : null;
        var strongLoss = strong is null ? null : ViewLoss(mixed is null ? afterWeak : afterWeak + unlabeledCount, pseudoLabels, confidence);
        var unsup = (strongLoss, mixedLoss) switch
        {
            ({ } a, { } c) => (a + c) / 2.0,
            ({ } a, null) => a,
            (null, { } c) => c,
            _ => throw new InvalidOperationException("no unlabelled view to take the loss on"),
        };
        return new StepLosses(supervised + unsup, new[] { ("sup", supervised), ("unsup", unsup), ("score", scores.Mean()) });
    }

    // train_semi.py:323-337: before sup_only_epoch only the labelled images are forwarded; no score.
    private StepLosses SupervisedOnly(StepInput input, TrainingModels models)
    {
        var output = models.Student.Forward(input.LabeledImages);
        var supervised = SupervisedStep.Loss(criterion, output, input.Labels, input.Labels.Size(0));
        var zero = Torch.Torch.Zeros(Array.Empty<long>(), device: input.Labels.Device);
        return new StepLosses(supervised, new[] { ("sup", supervised), ("unsup", zero), ("score", zero) });
    }

    public void AfterOptimizerStep(StepInput input, TrainingModels models)
    {
        if (!ema.UpdatesAfterStep(input.Epoch)) return;
        ema.Update(models.RequireTeacher(), models.Student, ema.DecayAt(input.Iteration, input.Epoch, input.StepsPerEpoch));
    }

    public SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => models.RequireTeacher();

    public void SaveState(TorchDict checkpoint)
    {
        GeneratorState.Save(checkpoint, generator);
        GeneratorState.Save(checkpoint, sideGenerator, SideGeneratorKey);
    }

    public void LoadState(TorchDict checkpoint)
    {
        GeneratorState.Load(checkpoint, generator);
        GeneratorState.Load(checkpoint, sideGenerator, SideGeneratorKey);
    }

    private const string SideGeneratorKey = "method_generator_side";

    public void Dispose()
    {
        generator.Dispose();
        sideGenerator.Dispose();
    }
}
