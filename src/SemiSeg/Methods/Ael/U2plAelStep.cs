using SemiSeg.Models;

namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The losses of one step of U2PL's with_AEL branch (train.py:474-789) from the networks' outputs:
/// <list type="number">
/// <item>supervised loss (OHEM + aux) of the student on the copy-pasted labelled images (484-487);</item>
/// <item>teacher pseudo-labels on the labelled images (train pass) and on the mixed unlabelled image (its
/// eval-pass logits mixed with the CutMix mask, <see cref="MixLogits"/>); the unlabelled pixels below the
/// <c>low_entropy_threshold * (1 - epoch / epochs)</c> percentile of entropy are ignored (539-558);</item>
/// <item>the confidence bank's update from the student's labelled predictions (590-602);</item>
/// <item>the two consistency losses (<see cref="AelConsistencyLoss"/>), labelled then unlabelled (603-654);</item>
/// <item>from <c>trainer.contrastive.start_epoch</c>, U2PL's contrastive loss with the official one-hot,
/// class order and negative rule, its anchors between the decaying and the fixed
/// <c>low_entropy_threshold</c> percentiles and its negatives above the <c>unsupervised_entropy_ignore</c>
/// percentile, over all pixels (656-770);</item>
/// <item><c>sup + consist_weight (cons1 + cons2) + contra_weight contra</c>, each divided by the world size,
/// the contrastive loss twice (785-789).</item>
/// </list>
/// Random numbers: <paramref name="torchStream"/> in <see cref="Losses"/> stands for the branch's global
/// torch generator, drawn in its order (sampling of cons1, of cons2, then the contrastive loss).
/// </summary>
public sealed class U2plAelStep
{
    private readonly SupervisedCriterion criterion;
    private readonly ContrastiveLoss? contrastive;
    private readonly int numClasses;

    public U2plAelStep(SupervisedCriterion criterion, ContrastiveOptions? contrastive, U2plAelStepOptions options, int numClasses)
    {
        this.criterion = criterion;
        Options = options;
        this.numClasses = numClasses;
        if (contrastive is not null)
            this.contrastive = new ContrastiveLoss(contrastive with { NegativeRuleName = "official", OneHotName = "official", ClassOrderName = "official" }, numClasses);
    }

    public U2plAelStepOptions Options { get; }

    /// <summary>The contrastive options in force (official one-hot, class order and negative rule), or null.</summary>
    public ContrastiveOptions? ContrastiveOptions => contrastive?.Options;

    /// <summary>
    /// The teacher's eval-pass logits of the loader's image and the sampled one (2, C, h, w), upsampled to
    /// (H, W) and mixed as train.py:531-536 mixes them: <c>l0 (1 - mask) + l1 mask</c>; (1, C, H, W).
    /// </summary>
    public static Tensor MixLogits(Tensor weakLogitsLarge, Tensor mask)
    {
        using var scope = Torch.NewDisposeScope();
        var m = mask.To(weakLogitsLarge.Dtype);
        return scope.MoveToOuter((weakLogitsLarge.Select(0, 0) * (1 - m) + weakLogitsLarge.Select(0, 1) * m).Unsqueeze(0));
    }

    /// <summary>
    /// The step's losses. <paramref name="labels"/> (Bl, H, W) after copy-paste; the student's outputs on
    /// the labelled images and on the mixed image; the teacher's train-pass outputs on the labelled
    /// images, its mixed eval-pass logits (1, C, H, W) and its train-pass representation of the mixed
    /// image. Updates <paramref name="confidence"/> and <paramref name="bank"/>.
    /// </summary>
    public StepLosses Losses(Tensor labels, SegmentationOutput studentSup, SegmentationOutput studentUnsup, SegmentationOutput teacherSup,
                             Tensor teacherUnsupLogits, Tensor? teacherStrongRepresentation, AelConfidenceBank confidence,
                             CategoryMemoryBank? bank, Generator torchStream, int epoch, int epochs)
    {
        var (h, w) = (labels.Size(1), labels.Size(2));
        var ws = (double)Options.WorldSize;
        var supervised = SupervisedStep.Loss(criterion, studentSup, labels, labels.Size(0)) / ws;
        var studentSupLarge = Upsample.ToLabels(studentSup.Prediction, h, w);

        Tensor teacherSupLarge, pseudoSup, confSup, pseudoUnsup, confUnsup, entropy;
        using (Torch.NoGrad())
        {
            teacherSupLarge = Upsample.ToLabels(teacherSup.Prediction, h, w);
            var probabilitiesSup = F.Softmax(teacherSupLarge, 1);
            (confSup, pseudoSup) = probabilitiesSup.Max(1);
            pseudoSup = pseudoSup.MaskedFill(confSup.Lt(Options.Threshold), PixelLabels.IgnoreIndex);
            var probabilitiesUnsup = F.Softmax(teacherUnsupLogits, 1);
            entropy = EntropyPartition.PixelEntropy(probabilitiesUnsup);
            var all = EntropyPartition.FromEntropy(entropy, Torch.OnesLike(entropy).Bool());
            var percent = contrastive is null ? 0 : EntropyPartition.ScheduledPercent(contrastive.Options.LowEntropyThreshold, epoch, epochs);
            (confUnsup, pseudoUnsup) = probabilitiesUnsup.Max(1);
            pseudoUnsup = pseudoUnsup.MaskedFill(entropy.Lt(all.Threshold(percent)), PixelLabels.IgnoreIndex);
        }
        var studentUnsupLarge = Upsample.ToLabels(studentUnsup.Prediction, h, w);
        using (Torch.NoGrad()) confidence.Update(AelConfidenceBank.CategoryConfidence(studentSupLarge, labels, numClasses));
        var classConfidence = confidence.Confidence();
        var cons1 = Consistency(studentSupLarge, confSup, pseudoSup, classConfidence, torchStream) / ws;
        var cons2 = Consistency(studentUnsupLarge, confUnsup, pseudoUnsup, classConfidence, torchStream) / ws;
        var unsup = cons1 + cons2;

        var contra = Torch.Zeros(Array.Empty<long>());
        if (contrastive is not null && epoch >= Options.ContrastiveStartEpoch && studentSup.Representation is not null)
        {
            var batch = PrepareContrastive(labels, pseudoUnsup, entropy, teacherSupLarge, teacherUnsupLogits, studentSup, studentUnsup,
                                           teacherSup, teacherStrongRepresentation!);
            contrastive.Enqueue(new[] { batch }, bank);
            contra = contrastive.Loss(batch, bank, torchStream) / ws / ws;
        }
        var total = supervised + unsup * Options.ConsistWeight + contra * Options.ContraWeight;
        return new StepLosses(total, new[] { ("sup", supervised), ("unsup", unsup), ("contrastive", contra) });
    }

    private Tensor Consistency(Tensor logits, Tensor conf, Tensor pseudo, Tensor classConfidence, Generator torchStream) =>
        Options.Consistency is { } c
            ? AelConsistencyLoss.Compute(logits, conf, pseudo, c, classConfidence, torchStream)
            : F.CrossEntropy(logits, pseudo, ignoreIndex: PixelLabels.IgnoreIndex);

    private ContrastiveBatch PrepareContrastive(Tensor labels, Tensor pseudoUnsup, Tensor entropy, Tensor teacherSupLarge, Tensor teacherUnsupLogits,
                                                SegmentationOutput studentSup, SegmentationOutput studentUnsup, SegmentationOutput teacherSup,
                                                Tensor teacherStrongRepresentation)
    {
        var options = contrastive!.Options;
        var (hs, wsm) = (studentSup.Representation!.Size(2), studentSup.Representation.Size(3));
        ContrastiveTargets targets;
        Tensor probabilities;
        using (Torch.NoGrad())
        {
            var all = EntropyPartition.FromEntropy(entropy, Torch.OnesLike(entropy).Bool());
            var labelled = pseudoUnsup.Ne(PixelLabels.IgnoreIndex);
            var low = entropy.Le(all.Threshold(options.LowEntropyThreshold)) & labelled;
            var high = options.NegativeHighEntropy ? entropy.Ge(all.Threshold(options.UnsupervisedEntropyIgnore)) & labelled : Torch.OnesLike(labelled);
            targets = ContrastiveTargets.FromMasks(labels, pseudoUnsup, low, high, hs, wsm, numClasses, officialOneHot: true);
            probabilities = Torch.Cat(new[]
            {
                F.Softmax(F.Interpolate(teacherSupLarge, hs, wsm, InterpolationMode.Bilinear, alignCorners: true), 1),
                F.Softmax(F.Interpolate(teacherUnsupLogits, hs, wsm, InterpolationMode.Bilinear, alignCorners: true), 1),
            });
        }
        var inputs = new ContrastiveInputs(Torch.Cat(new[] { studentSup.Representation, studentUnsup.Representation! }),
                                           Torch.Cat(new[] { teacherSup.Representation!, teacherStrongRepresentation }), probabilities, targets);
        return contrastive.Prepare(inputs);
    }
}
