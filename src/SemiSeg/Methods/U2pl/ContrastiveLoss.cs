using SemiSeg.Torch.Distributed;

namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The contrastive loss on unreliable pseudo-labels of U2PL (Eq. 4, 9-12, 16; Algorithm 1),
/// following the official compute_contra_memobank_loss:
/// <list type="number">
/// <item>Anchor candidates of class c (Eq. 9-11): student representations of pixels whose label or
/// pseudo-label is c, that are in the low mask (labelled, or unlabelled with low entropy) and whose
/// teacher probability of c exceeds delta_p (current_class_threshold).</item>
/// <item>Positive (Eq. 12): the mean teacher representation over the low-mask pixels of class c
/// (the official centre, without the delta_p condition), or its momentum prototype (anchor_ema).</item>
/// <item>Negatives (Eq. 13-16): teacher representations chosen by <see cref="ProbabilityRankNegatives"/>,
/// pushed into the class's FIFO queue of the <see cref="CategoryMemoryBank"/> for every class, then
/// sampled from it (or, without a bank, from this batch's negatives only: Table 6).</item>
/// <item>For every class present in the low mask: num_queries anchors and num_queries x num_negatives
/// negatives drawn with replacement from <c>generator</c>, and the InfoNCE term of Eq. 4 with cosine
/// similarity and temperature tau (or the binary term of Eq. A1). The loss is the sum over classes
/// divided by the number of classes present, times loss_weight; 0 (with the graph kept) when at most
/// one class is present. A class without anchors or negatives adds nothing but still counts.</item>
/// </list>
/// Class counts are read to the host once per call to steer the per-class loop; features are
/// gathered by flat pixel index, so the per-class work is a few index selects and one batched matmul.
/// </summary>
public sealed class ContrastiveLoss
{
    public ContrastiveLoss(ContrastiveOptions options, int numClasses)
    {
        Options = options.Validate(numClasses);
        NumClasses = numClasses;
    }

    public ContrastiveOptions Options { get; }
    public int NumClasses { get; }

    /// <summary>Benchmarks time the memory-bank work apart (<see cref="U2plPhases.MemoryBank"/>); null in training.</summary>
    public StepPhaseTimer? Timer { get; set; }

    /// <summary>
    /// The weighted loss (0-dim). <paramref name="bank"/> is required when use_memory_bank is on;
    /// <paramref name="prototypes"/> when anchor_ema is on, with the global <paramref name="iteration"/>.
    /// <paramref name="generator"/> must be a CPU generator; its draws are made in the official order.
    /// </summary>
    public Tensor Compute(ContrastiveInputs inputs, CategoryMemoryBank? bank, Generator generator, ClassPrototypes? prototypes = null, long iteration = 0)
    {
        using var scope = Torch.NewDisposeScope();
        var batch = Prepare(inputs);
        Enqueue(new[] { batch }, bank);
        return scope.MoveToOuter(Loss(batch, bank, generator, prototypes, iteration));
    }

    /// <summary>
    /// The first half of the loss for one replica's images: the per-class anchor candidates, centres
    /// and this batch's negatives. Its tensors belong to the dispose scope open at the call.
    /// </summary>
    public ContrastiveBatch Prepare(ContrastiveInputs inputs)
    {
        var (student, teacher, probabilities, targets) = inputs;
        CheckShapes(student, teacher, probabilities, targets);
        using var scope = Torch.NewDisposeScope();
        var featureDim = student.Size(1);
        // Pixels flattened in (b, y, x) order, the order rep[mask] lists them in the official code.
        var studentPixels = student.Permute(0, 2, 3, 1).Reshape(-1, featureDim);          // (P, D), with gradients
        Tensor centres;
        Tensor[] anchorPixels, negatives;
        long[] lowCounts;
        using (Torch.NoGrad())
        {
            var teacherPixels = teacher.Detach().Permute(0, 2, 3, 1).Reshape(-1, featureDim);  // (P, D)
            var lowValid = targets.OneHot.Bool() & targets.LowMask.Unsqueeze(1);            // (B, C, h, w)
            var anchorMask = lowValid & probabilities.Gt(Options.CurrentClassThreshold);
            var negativeMask = ProbabilityRankNegatives.Mask(probabilities, targets, Options.LowRank, Options.HighRank,
                                                             Options.CurrentClassNegativeThreshold, Options.NegativeRule);
            var lowByClass = PerClass(lowValid);                                            // (C, P)
            var counts = lowByClass.Sum(1);
            lowCounts = counts.ToArray<long>();                                             // one read steers the class loop
            // Eq. 12 centres of all classes at once: the mean teacher feature over each class's low-mask pixels.
            centres = lowByClass.Float().Mm(teacherPixels) / counts.ClampMin(1).Unsqueeze(1).Float();   // (C, D)
            anchorPixels = Rows(PerClass(anchorMask));
            negatives = Rows(PerClass(negativeMask)).Select(rows => teacherPixels.IndexSelect(0, rows)).ToArray();
        }
        var batch = new ContrastiveBatch(student, studentPixels, centres, anchorPixels, negatives, lowCounts);
        foreach (var t in batch.Tensors()) scope.MoveToOuter(t);
        return batch;
    }

    /// <summary>
    /// Algorithm 1 lines 13-15: every class's negatives of every replica enter its queue (replicas in
    /// order, as the official all_gather concatenates them) before any replica samples.
    /// <paramref name="batches"/> are the replicas this process computes; with <paramref name="processes"/>
    /// (a data-parallel run) every rank's negatives are gathered first, in rank order, so every rank's
    /// bank receives the same keys, as the official dequeue_and_enqueue does on every GPU.
    /// </summary>
    public void Enqueue(IReadOnlyList<ContrastiveBatch> batches, CategoryMemoryBank? bank, ProcessGroup? processes = null)
    {
        if (!Options.UseMemoryBank) return;
        if (bank is null) throw new ArgumentException($"{ContrastiveOptions.Section}.use_memory_bank is on but no memory bank was given");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        using var timing = Timer?.Measure(U2plPhases.MemoryBank);
        var keys = Enumerable.Range(0, NumClasses)
            .Select(c => batches.Count == 1 ? batches[0].Negatives[c] : Torch.Cat(batches.Select(b => b.Negatives[c])))
            .ToArray();
        if (processes is { WorldSize: > 1 }) keys = GatherFromEveryRank(keys, processes);
        for (var c = 0; c < NumClasses; c++) bank.Enqueue(c, keys[c]);
    }

    // Every rank's keys of each class, rank 0's first. Two gathers serve all classes (the official code
    // gathers once per class): the per-class row counts, then the rows of all classes back to back.
    private Tensor[] GatherFromEveryRank(Tensor[] local, ProcessGroup processes)
    {
        var device = local[0].Device;
        var localCounts = Tensor.From(local.Select(k => k.Size(0)).ToArray(), 1, local.Length).To(device);
        var counts = processes.AllGather(localCounts).ToArray<long>();   // (ranks, classes), row-major
        if (counts.Sum() == 0) return local;   // the same on every rank: no rank enters the second gather
        var gathered = Enumerable.Range(0, NumClasses).Select(_ => new List<Tensor>()).ToArray();
        var rows = processes.AllGather(Torch.Cat(local));
        var offset = 0L;
        for (var r = 0; r < processes.WorldSize; r++)
            for (var c = 0; c < NumClasses; c++)
            {
                var n = counts[r * NumClasses + c];
                gathered[c].Add(rows.Narrow(0, offset, n));
                offset += n;
            }
        return gathered.Select(parts => Torch.Cat(parts)).ToArray();
    }

    /// <summary>
    /// The second half: for every class present in the low mask, anchors and negatives drawn from
    /// <paramref name="generator"/> and the InfoNCE (or binary) term, summed and divided by the number
    /// of present classes, times loss_weight.
    /// </summary>
    public Tensor Loss(ContrastiveBatch batch, CategoryMemoryBank? bank, Generator generator, ClassPrototypes? prototypes = null, long iteration = 0)
    {
        if (Options.UseMemoryBank && bank is null) throw new ArgumentException($"{ContrastiveOptions.Section}.use_memory_bank is on but no memory bank was given");
        if (Options.AnchorEma && prototypes is null) throw new ArgumentException($"{ContrastiveOptions.Section}.anchor_ema is on but no prototypes were given");
        using var scope = Torch.NewDisposeScope();
        var student = batch.Student;
        var featureDim = student.Size(1);
        var present = Enumerable.Range(0, NumClasses).Where(c => batch.LowCounts[c] > 0).ToList();
        var loss = student.Sum() * 0.0;                            // keeps the graph when nothing contributes
        if (present.Count <= 1) return scope.MoveToOuter(loss);

        var queries = (long)Options.NumQueries;
        var negativesPerQuery = (long)Options.NumNegatives;
        for (var k = 0; k < present.Count; k++)
        {
            // The official loop (loss_helper.py:169-200) reads anchors and centre of the k-th class but
            // the queue of the k-th present class; by_class takes all three from the present class.
            var negativeClass = present[k];
            var anchorClass = Options.OfficialClassOrder ? k : negativeClass;
            var candidates = batch.AnchorPixels[anchorClass].Size(0);
            var pool = Options.UseMemoryBank ? bank!.Count(negativeClass) : batch.Negatives[negativeClass].Size(0);
            if (candidates == 0 || pool == 0) continue;

            var draw = Torch.Randint(0, candidates, new[] { queries }, generator).To(student.Device);
            var anchors = batch.StudentPixels.IndexSelect(0, batch.AnchorPixels[anchorClass].IndexSelect(0, draw));    // (M, D)

            Tensor negativeFeatures, positive;
            using (Torch.NoGrad())
            {
                Tensor sampled;
                if (Options.UseMemoryBank)
                {
                    using (Timer?.Measure(U2plPhases.MemoryBank)) sampled = bank!.Sample(negativeClass, queries * negativesPerQuery, generator);
                }
                else sampled = batch.Negatives[negativeClass].IndexSelect(0, Torch.Randint(0, pool, new[] { queries * negativesPerQuery }, generator).To(student.Device));
                negativeFeatures = sampled.To(student.Device).Reshape(queries, negativesPerQuery, featureDim);
                positive = batch.Centres.Select(0, anchorClass);                                    // (D)
                if (Options.AnchorEma) positive = prototypes!.Update(negativeClass, positive, iteration);
            }
            var term = Options.Binary
                ? BinaryNegativeLoss.Compute(anchors, positive, negativeFeatures, Options.Temperature)
                : InfoNceLoss.Compute(anchors, positive, negativeFeatures, Options.Temperature);
            loss = loss + term;
        }
        return scope.MoveToOuter(loss / present.Count * Options.LossWeight);
    }

    // (B, C, h, w) -> (C, P) with pixels in (b, y, x) order.
    private Tensor PerClass(Tensor mask) => mask.Permute(1, 0, 2, 3).Reshape(NumClasses, -1);

    // The flat pixel indices of each class's true entries, ascending.
    private Tensor[] Rows(Tensor byClass) =>
        Enumerable.Range(0, NumClasses).Select(c => byClass.Select(0, c).Nonzero().Squeeze(1)).ToArray();

    private void CheckShapes(Tensor student, Tensor teacher, Tensor probabilities, ContrastiveTargets targets)
    {
        var s = student.Shape;
        var p = probabilities.Shape;
        if (s.Length != 4 || !s.SequenceEqual(teacher.Shape))
            throw new ArgumentException($"student [{string.Join(", ", s)}] and teacher [{string.Join(", ", teacher.Shape)}] representations must both be (B, D, h, w)");
        if (p.Length != 4 || p[0] != s[0] || p[1] != NumClasses || p[2] != s[2] || p[3] != s[3])
            throw new ArgumentException($"teacher probabilities [{string.Join(", ", p)}] must be (B, {NumClasses}, h, w) at the representations' resolution [{string.Join(", ", s)}]");
        if (!targets.LowMask.Shape.SequenceEqual(new[] { s[0], s[2], s[3] }))
            throw new ArgumentException($"contrastive targets [{string.Join(", ", targets.LowMask.Shape)}] must be (B, h, w) = ({s[0]}, {s[2]}, {s[3]})");
    }
}
