using SemiSeg.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Methods;

/// <summary>
/// U2PL (Wang et al., CVPR 2022), step for step as the official train_semi.py:
/// <list type="number">
/// <item>Warm start (sup_only_epoch epochs): supervised loss only.</item>
/// <item>Pseudo-labels from the teacher in eval mode; with probability 0.5 the strong mix (apply_aug)
/// of image, pseudo-label and confidence together.</item>
/// <item>Student forward on labelled and unlabelled images together: supervised loss (Eq. 2).</item>
/// <item>Teacher forward on the same batch in train mode without gradients: probabilities and
/// representations.</item>
/// <item>Unsupervised loss on reliable pixels (Eq. 3, 5-8), the top alpha_t entropy percent ignored, alpha_t
/// decaying linearly over epochs (DPA, Eq. 7).</item>
/// <item>Contrastive loss on unreliable pseudo-labels (Eq. 4, 9-16, Algorithm 1) with the category-wise
/// memory bank, or its binary variant (Eq. A1).</item>
/// <item>After the optimizer step, the EMA update of the teacher.</item>
/// </list>
/// </summary>
public sealed class U2plMethod : ISegmentationMethod
{
    private readonly SupervisedCriterion criterion;
    private readonly UnsupervisedOptions unsupervised;
    private readonly ContrastiveOptions? contrastiveOptions;
    private readonly ContrastiveLoss? contrastive;
    private readonly TeacherSchedule schedule;
    private readonly Generator generator;
    private readonly int numClasses;
    private CategoryMemoryBank? bank;
    private ClassPrototypes? prototypes;
    private StepPhaseTimer? timer;

    public U2plMethod(SupervisedCriterion criterion, UnsupervisedOptions unsupervised, ContrastiveOptions? contrastive,
                      EmaTeacher ema, int numClasses, ulong seed)
    {
        this.criterion = criterion;
        this.unsupervised = unsupervised;
        contrastiveOptions = contrastive;
        this.contrastive = contrastive is null ? null : new ContrastiveLoss(contrastive, numClasses);
        this.numClasses = numClasses;
        schedule = new TeacherSchedule(ema);
        generator = new Generator(seed);
    }

    public string Name => "u2pl";
    public bool UsesUnlabeled => true;
    public bool UsesTeacher => true;
    public bool UsesStrongImages => false;

    /// <summary>The category-wise memory bank, once the first contrastive step has made it.</summary>
    public CategoryMemoryBank? MemoryBank => bank;

    /// <summary>
    /// Benchmarks attach a timer to see where a step's time goes (<see cref="U2plPhases"/>); null in
    /// training, where each phase costs one null check.
    /// </summary>
    public StepPhaseTimer? Timer
    {
        get => timer;
        set
        {
            timer = value;
            if (contrastive is not null) contrastive.Timer = value;
        }
    }

    /// <summary>alpha_t of the unsupervised loss (percent of valid pixels treated as unreliable) at an epoch.</summary>
    public double UnreliablePercentAt(int epoch, int epochs) => unsupervised.UnreliablePercentAt(epoch, epochs);

    public StepLosses Step(StepInput input, TrainingModels models)
    {
        var teacher = models.RequireTeacher();
        var zero = Torch.Torch.Zeros(Array.Empty<long>());
        if (schedule.IsWarm(input.Epoch))
        {
            var warm = SupervisedStep.Loss(criterion, models.Student.Forward(input.LabeledImages), input.Labels, input.Labels.Size(0));
            TeacherSchedule.FollowBatchStatistics(teacher, input.LabeledImages);
            return new StepLosses(warm, new[] { ("sup", warm), ("unsup", zero), ("contrastive", zero) });
        }
        schedule.BeforeSemiStep(input.Epoch, models);
        var unlabeled = input.UnlabeledImages ?? throw new ArgumentException("u2pl needs unlabelled images");
        var (height, width) = (input.Height, input.Width);
        PseudoLabels.Result pseudo;
        using (timer?.Measure(U2plPhases.TeacherPseudoLabels)) pseudo = PseudoLabels.Make(teacher, unlabeled, height, width);
        using (timer?.Measure(U2plPhases.StrongMix))
            pseudo = PseudoLabels.MaybeMix(pseudo, unsupervised.ApplyAug, unsupervised.AugProbability, generator);

        // (B_l + B_u, ...) student forward on labelled and (mixed) unlabelled images together.
        var labeledCount = input.Labels.Size(0);
        var unlabeledCount = pseudo.Images.Size(0);
        var images = Torch.Torch.Cat(new[] { input.LabeledImages, pseudo.Images });
        SegmentationOutput student;
        using (timer?.Measure(U2plPhases.StudentForward)) student = models.Student.Forward(images);
        Tensor supervised;
        using (timer?.Measure(U2plPhases.SupervisedLoss)) supervised = SupervisedStep.Loss(criterion, student, input.Labels, labeledCount);

        // The teacher's second pass: train mode (its batch-norm statistics follow the batch), no gradients.
        SegmentationOutput teacherOutput;
        Tensor teacherProbabilities, teacherUnlabeledLarge;
        using (timer?.Measure(U2plPhases.TeacherSecondPass))
        using (Torch.Torch.NoGrad())
        {
            teacher.Train();
            teacherOutput = teacher.Forward(images);
            teacherProbabilities = F.Softmax(teacherOutput.Prediction, 1);
            teacherUnlabeledLarge = Upsample.ToLabels(teacherOutput.Prediction.Narrow(0, labeledCount, unlabeledCount), height, width);
        }

        EntropyPartition partition;
        Tensor unsup;
        using (timer?.Measure(U2plPhases.UnsupervisedLoss))
        {
            partition = EntropyPartition.FromProbabilities(F.Softmax(teacherUnlabeledLarge, 1), pseudo.Labels);
            var studentUnlabeledLarge = Upsample.ToLabels(student.Prediction.Narrow(0, labeledCount, unlabeledCount), height, width);
            unsup = UnsupervisedLoss.Compute(studentUnlabeledLarge, pseudo.Labels, partition,
                                            unsupervised.UnreliablePercentAt(input.Epoch, input.Epochs), unsupervised.LossWeight);
        }

        Tensor contra;
        using (timer?.Measure(U2plPhases.ContrastiveLoss))
            contra = contrastive is null || student.Representation is null
                ? zero
                : Contrastive(input, student.Representation, teacherOutput.Representation!, teacherProbabilities, partition, pseudo.Labels);
        return new StepLosses(supervised + unsup + contra, new[] { ("sup", supervised), ("unsup", unsup), ("contrastive", contra) });
    }

    private Tensor Contrastive(StepInput input, Tensor studentRepresentation, Tensor teacherRepresentation, Tensor teacherProbabilities,
                               EntropyPartition partition, Tensor pseudoLabels)
    {
        var options = contrastiveOptions!;
        var (h, w) = (studentRepresentation.Size(2), studentRepresentation.Size(3));
        var percent = unsupervised.DynamicPartition ? options.EntropyPercentAt(input.Epoch, input.Epochs) : options.LowEntropyThreshold;
        var targets = ContrastiveTargets.Build(input.Labels, pseudoLabels, partition, percent, options.NegativeSource, h, w, numClasses);
        if (options.UseMemoryBank && bank is null)
            bank = CategoryMemoryBank.FromOptions(options, numClasses, teacherRepresentation.Size(1), teacherRepresentation.Device);
        if (options.AnchorEma && prototypes is null)
            prototypes = new ClassPrototypes(numClasses, teacherRepresentation.Size(1), teacherRepresentation.Device);
        var inputs = new ContrastiveInputs(studentRepresentation, teacherRepresentation, teacherProbabilities, targets);
        return contrastive!.Compute(inputs, bank, generator, prototypes, input.Iteration);
    }

    public void AfterOptimizerStep(StepInput input, TrainingModels models) => schedule.AfterStep(input, models);
    public SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => schedule.ModelToEvaluate(epoch, models);

    public void SaveState(TorchDict checkpoint)
    {
        GeneratorState.Save(checkpoint, generator);
        if (bank is null) return;
        var bankState = new TorchDict();
        foreach (var (key, tensor) in bank.GetState())
        {
            bankState.Set(key, TorchValue.FromTensor(tensor));
            tensor.Dispose();
        }
        checkpoint.Set("memory_bank", bankState);
    }

    public void LoadState(TorchDict checkpoint)
    {
        GeneratorState.Load(checkpoint, generator);
        if (!checkpoint.ContainsKey("memory_bank") || contrastiveOptions is null) return;
        var saved = checkpoint.GetDict("memory_bank");
        var tensors = saved.ToTensors().ToDictionary(kv => kv.Key, kv => kv.Value);
        var first = tensors.Values.First();
        bank ??= CategoryMemoryBank.FromOptions(contrastiveOptions, numClasses, first.Size(-1), first.Device);
        bank.SetState(tensors);
    }

    public void Dispose()
    {
        generator.Dispose();
        bank?.Dispose();
        prototypes?.Dispose();
    }
}
