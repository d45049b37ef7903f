using SemiSeg.Models;
using SemiSeg.Torch.Distributed;
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
/// With a <see cref="U2plProfile"/> of world size N, the supervised, unsupervised and contrastive
/// losses are computed per simulated replica and averaged, the memory bank takes every replica's
/// negatives, and the contrastive weight follows the profile (see docs/u2pl-paper-vs-code.md).
/// In a data-parallel run each process is one replica: the memory bank gathers every rank's negatives
/// and the contrastive weight counts the processes (<see cref="IDataParallelMethod"/>).
/// </summary>
public sealed class U2plMethod : ISegmentationMethod, IDataParallelMethod
{
    /// <summary>Checkpoint key of every rank's generator state, (ranks, state bytes), in a data-parallel run.</summary>
    public const string RankGeneratorsKey = "method_generator_ranks";

    private readonly SupervisedCriterion criterion;
    private readonly UnsupervisedOptions unsupervised;
    private readonly ContrastiveOptions? contrastiveOptions;
    private readonly ContrastiveLoss? contrastive;
    private readonly TeacherSchedule schedule;
    private readonly Generator generator;
    private readonly int numClasses;
    private readonly U2plProfile profile;
    private CategoryMemoryBank? bank;
    private ClassPrototypes? prototypes;
    private StepPhaseTimer? timer;
    private ProcessGroup? processes;
    private Tensor? rankGenerators;        // gathered before a checkpoint: what rank 0 saves for every rank
    private Tensor? savedRankGenerators;   // read from a checkpoint: this rank's row is set once the group is known

    public U2plMethod(SupervisedCriterion criterion, UnsupervisedOptions unsupervised, ContrastiveOptions? contrastive,
                      EmaTeacher ema, int numClasses, ulong seed, U2plProfile? profile = null)
    {
        this.profile = (profile ?? new U2plProfile()).Validate();
        this.criterion = criterion;
        this.unsupervised = unsupervised;
        contrastiveOptions = contrastive;
        this.contrastive = contrastive is null ? null : new ContrastiveLoss(contrastive, numClasses);
        this.numClasses = numClasses;
        schedule = new TeacherSchedule(ema);
        generator = new Generator(seed);
    }

    public string Name => "u2pl";

    /// <summary>The profile this step follows (paper or official, and the simulated world size).</summary>
    public U2plProfile Profile => profile;
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
        var zero = Torch.Torch.Zeros(Array.Empty<long>(), device: input.Labels.Device);
        var labeledCount = input.Labels.Size(0);
        if (schedule.IsWarm(input.Epoch))
        {
            var chunksWarm = ReplicaChunks.Split(profile.Chunks, labeledCount, 0);
            var studentWarm = models.Student.Forward(input.LabeledImages);
            var warm = ReplicaMean(chunksWarm, r => SupervisedStep.Loss(criterion, studentWarm, chunksWarm.Labeled(input.Labels, r),
                                                                          chunksWarm.LabeledStart(r), chunksWarm.LabeledPerReplica));
            TeacherSchedule.FollowBatchStatistics(teacher, input.LabeledImages);
            return new StepLosses(warm, new[] { ("sup", warm), ("unsup", zero), ("contrastive", zero) });
        }
        schedule.BeforeSemiStep(input.Epoch, models);
        var unlabeled = input.UnlabeledImages ?? throw new ArgumentException("u2pl needs unlabelled images");
        var (height, width) = (input.Height, input.Width);
        var chunks = ReplicaChunks.Split(profile.Chunks, labeledCount, unlabeled.Size(0));
        PseudoLabels.Result pseudo;
        using (timer?.Measure(U2plPhases.TeacherPseudoLabels)) pseudo = PseudoLabels.Make(teacher, unlabeled, height, width);
        using (timer?.Measure(U2plPhases.StrongMix)) pseudo = Mix(pseudo, chunks);

        // (B_l + B_u, ...) student forward on labelled and (mixed) unlabelled images together; with
        // simulated replicas, batch norm sees all of them, as the official sync_bn over all GPUs.
        var images = Torch.Torch.Cat(new[] { input.LabeledImages, pseudo.Images });
        SegmentationOutput student, teacherOutput;
        using (timer?.Measure(U2plPhases.StudentForward)) student = models.Student.Forward(images);
        // The teacher's second pass: train mode (its batch-norm statistics follow the batch), no gradients.
        using (timer?.Measure(U2plPhases.TeacherSecondPass))
        using (Torch.Torch.NoGrad())
        {
            teacher.Train();
            teacherOutput = teacher.Forward(images);
        }
        return SemiSupervisedLosses(input.Labels, pseudo.Labels, student, teacherOutput, input.Epoch, input.Epochs, input.Iteration);
    }

    /// <summary>
    /// The losses of a semi-supervised step from its forward passes, as train_semi.py:339-524 computes
    /// them on each replica: <paramref name="student"/> and <paramref name="teacher"/> (second pass) are
    /// the outputs for the joined batch (labelled images, then the mixed unlabelled ones), with
    /// <paramref name="labels"/> (B_l, H, W) and the mixed <paramref name="pseudoLabels"/> (B_u, H, W).
    /// Draws the contrastive samples from the method's generator and updates its memory bank.
    /// </summary>
    public StepLosses SemiSupervisedLosses(Tensor labels, Tensor pseudoLabels, SegmentationOutput student, SegmentationOutput teacher,
                                           int epoch, int epochs, long iteration)
    {
        var (labeledCount, unlabeledCount) = (labels.Size(0), pseudoLabels.Size(0));
        var (height, width) = (labels.Size(1), labels.Size(2));
        var chunks = ReplicaChunks.Split(profile.Chunks, labeledCount, unlabeledCount);
        Tensor supervised;
        using (timer?.Measure(U2plPhases.SupervisedLoss))
            supervised = ReplicaMean(chunks, r => SupervisedStep.Loss(criterion, student, chunks.Labeled(labels, r),
                                                                      chunks.LabeledStart(r), chunks.LabeledPerReplica));
        Tensor teacherProbabilities, teacherUnlabeledLarge;
        using (Torch.Torch.NoGrad())
        {
            teacherProbabilities = F.Softmax(teacher.Prediction, 1);
            teacherUnlabeledLarge = Upsample.ToLabels(teacher.Prediction.Narrow(0, labeledCount, unlabeledCount), height, width);
        }

        // Each replica's unsupervised loss and contrastive share on its own images (Eq. 3-16).
        var studentUnlabeledLarge = Upsample.ToLabels(student.Prediction.Narrow(0, labeledCount, unlabeledCount), height, width);
        var unsupTerms = new Tensor[chunks.Count];
        var contrastiveBatches = new ContrastiveBatch[chunks.Count];
        var useContrastive = contrastive is not null && student.Representation is not null;
        for (var r = 0; r < chunks.Count; r++)
        {
            EntropyPartition partition;
            var replicaPseudoLabels = chunks.Unlabeled(pseudoLabels, r);
            using (timer?.Measure(U2plPhases.UnsupervisedLoss))
            {
                partition = EntropyPartition.FromProbabilities(F.Softmax(chunks.Unlabeled(teacherUnlabeledLarge, r), 1), replicaPseudoLabels);
                unsupTerms[r] = UnsupervisedLoss.Compute(chunks.Unlabeled(studentUnlabeledLarge, r), replicaPseudoLabels, partition,
                                                         unsupervised.UnreliablePercentAt(epoch, epochs), unsupervised.LossWeight);
            }
            if (!useContrastive) continue;
            using (timer?.Measure(U2plPhases.ContrastiveLoss))
                contrastiveBatches[r] = PrepareContrastive(epoch, epochs, chunks.Labeled(labels, r), chunks, r, student.Representation!,
                                                           teacher.Representation!, teacherProbabilities, partition, replicaPseudoLabels);
        }
        var unsup = chunks.Count == 1 ? unsupTerms[0] : Torch.Torch.Stack(unsupTerms).Mean();

        var contra = Torch.Torch.Zeros(Array.Empty<long>(), device: labels.Device);
        if (useContrastive)
        {
            using (timer?.Measure(U2plPhases.ContrastiveLoss))
            {
                contrastive!.Enqueue(contrastiveBatches, bank, processes);
                contra = ReplicaMean(chunks, r => contrastive.Loss(contrastiveBatches[r], bank, generator, prototypes, iteration));
            }
        }
        // The logged contrastive loss is the replicas' mean; the optimised one carries the profile's
        // 1 / world_size (train_semi.py:514-519: all_reduce is outside autograd).
        var scale = contrastiveOptions is null ? 1.0 : profile.ContrastiveScale(contrastiveOptions, processes?.WorldSize ?? 1);
        var total = supervised + unsup + (scale == 1.0 ? contra : contra * scale);
        return new StepLosses(total, new[] { ("sup", supervised), ("unsup", unsup), ("contrastive", contra) });
    }

    // The strong mix of each replica's unlabelled images with its own partners; with
    // same_seed_on_every_replica every replica draws what the first one draws (train_semi.py:73-75, 324-335).
    internal PseudoLabels.Result Mix(PseudoLabels.Result pseudo, ReplicaChunks chunks)
    {
        if (chunks.Count == 1) return PseudoLabels.MaybeMix(pseudo, unsupervised.ApplyAug, unsupervised.AugProbability, generator);
        using var state = profile.SameSeedOnEveryReplica ? generator.GetState() : null;
        var parts = new PseudoLabels.Result[chunks.Count];
        for (var r = 0; r < chunks.Count; r++)
        {
            if (state is not null) generator.SetState(state);
            var part = new PseudoLabels.Result(chunks.Unlabeled(pseudo.Images, r), chunks.Unlabeled(pseudo.Labels, r),
                                               chunks.Unlabeled(pseudo.Confidence, r), false);
            parts[r] = PseudoLabels.MaybeMix(part, unsupervised.ApplyAug, unsupervised.AugProbability, generator);
        }
        return new PseudoLabels.Result(Torch.Torch.Cat(parts.Select(p => p.Images)), Torch.Torch.Cat(parts.Select(p => p.Labels)),
                                       Torch.Torch.Cat(parts.Select(p => p.Confidence)), parts.Any(p => p.Mixed));
    }

    // The mean of a per-replica loss over the simulated replicas (DistributedDataParallel averages gradients).
    private static Tensor ReplicaMean(ReplicaChunks chunks, Func<int, Tensor> perReplica)
    {
        if (chunks.Count == 1) return perReplica(0);
        var terms = Enumerable.Range(0, chunks.Count).Select(perReplica).ToArray();
        return Torch.Torch.Stack(terms).Mean();
    }

    private ContrastiveBatch PrepareContrastive(int epoch, int epochs, Tensor labels, ReplicaChunks chunks, int r, Tensor studentRepresentation,
                                                Tensor teacherRepresentation, Tensor teacherProbabilities, EntropyPartition partition, Tensor pseudoLabels)
    {
        var options = contrastiveOptions!;
        var (h, w) = (studentRepresentation.Size(2), studentRepresentation.Size(3));
        var percent = unsupervised.DynamicPartition ? options.EntropyPercentAt(epoch, epochs) : options.LowEntropyThreshold;
        var targets = ContrastiveTargets.Build(labels, pseudoLabels, partition, percent, options.NegativeSource,
                                               h, w, numClasses, options.OfficialOneHot);
        if (options.UseMemoryBank && bank is null)
            bank = CategoryMemoryBank.FromOptions(options, numClasses, teacherRepresentation.Size(1), teacherRepresentation.Device);
        if (options.AnchorEma && prototypes is null)
            prototypes = new ClassPrototypes(numClasses, teacherRepresentation.Size(1), teacherRepresentation.Device);
        var inputs = new ContrastiveInputs(chunks.Joined(studentRepresentation, r), chunks.Joined(teacherRepresentation, r),
                                           chunks.Joined(teacherProbabilities, r), targets);
        return contrastive!.Prepare(inputs);
    }

    public void AfterOptimizerStep(StepInput input, TrainingModels models) => schedule.AfterStep(input, models);
    public SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => schedule.ModelToEvaluate(epoch, models);

    public void JoinProcessGroup(ProcessGroup group)
    {
        processes = group;
        if (savedRankGenerators is null) return;
        // The checkpoint's number of processes was checked against this run's before anything was loaded.
        if (savedRankGenerators.Size(0) != group.WorldSize)
            throw new InvalidDataException($"the checkpoint holds the sampling generators of {savedRankGenerators.Size(0)} ranks, this run has {group.WorldSize}");
        using (Torch.Torch.NewDisposeScope()) generator.SetState(savedRankGenerators.Select(0, group.Rank));
        savedRankGenerators.Dispose();
        savedRankGenerators = null;
    }

    // Each rank draws as many contrastive samples as its own images need, so the ranks' generators part
    // after the first semi-supervised step; rank 0's checkpoint keeps all of them.
    public void GatherRankState()
    {
        if (processes is null) return;
        using var scope = Torch.Torch.NewDisposeScope();
        var mine = generator.GetState();
        rankGenerators?.Dispose();
        rankGenerators = processes.AllGather(mine.Unsqueeze(0)).DetachFromDisposeScope();
    }

    public void SaveState(TorchDict checkpoint)
    {
        GeneratorState.Save(checkpoint, generator);
        if (rankGenerators is not null) checkpoint.Set(RankGeneratorsKey, TorchValue.FromTensor(rankGenerators));
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
        savedRankGenerators?.Dispose();
        savedRankGenerators = checkpoint.ContainsKey(RankGeneratorsKey) ? checkpoint.GetTensor(RankGeneratorsKey).DetachFromDisposeScope() : null;
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
        rankGenerators?.Dispose();
        savedRankGenerators?.Dispose();
        bank?.Dispose();
        prototypes?.Dispose();
    }
}
