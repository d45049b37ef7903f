using SemiSeg.Methods;

namespace SemiSeg.Evaluation;

/// <summary>
/// Scores a teacher's pseudo-labels against ground truth the way U2PL uses them, to check the
/// paper's premise (its Fig. 2 and 3) on a dataset whose unlabelled images do have labels:
/// <list type="bullet">
/// <item>pixels split by entropy as Eq. 6 splits them (the top <c>unreliablePercent</c> of each batch
/// unreliable), and the accuracy of the argmax pseudo-label in each part;</item>
/// <item>for unreliable pixels, where the true class ranks in the teacher's probabilities: U2PL
/// pushes such a pixel away from the classes ranked lowRank..highRank-1 (0 = most probable), so a
/// true class in that range makes a wrong negative pair;</item>
/// <item>per class, how many reliable pixels the pseudo-labels give it against the ground truth of
/// those pixels, and their precision: a class the teacher never labels confidently gets no
/// unsupervised signal (or a wrong one) and can fade out of the student.</item>
/// </list>
/// Pixels whose ground truth is ignored are left out of everything, including the percentile.
/// </summary>
public sealed class PseudoLabelAudit
{
    private readonly long[] reliablePseudo, reliableTruth, reliableCorrectByClass, unreliableRank;
    private long reliable, reliableCorrect, unreliable, unreliableCorrect, wrongNegatives;

    public PseudoLabelAudit(int numClasses, double unreliablePercent, int lowRank, int highRank)
    {
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "need at least two classes");
        if (!(unreliablePercent >= 0 && unreliablePercent <= 100))
            throw new ArgumentOutOfRangeException(nameof(unreliablePercent), unreliablePercent, "must be in [0, 100]");
        if (lowRank < 0 || highRank < lowRank) throw new ArgumentOutOfRangeException(nameof(lowRank), $"ranks [{lowRank}, {highRank}) are not a range");
        NumClasses = numClasses;
        UnreliablePercent = unreliablePercent;
        LowRank = lowRank;
        HighRank = highRank;
        reliablePseudo = new long[numClasses];
        reliableTruth = new long[numClasses];
        reliableCorrectByClass = new long[numClasses];
        unreliableRank = new long[numClasses];
    }

    public int NumClasses { get; }
    public double UnreliablePercent { get; }
    public int LowRank { get; }
    public int HighRank { get; }

    /// <summary>Adds a batch: class probabilities (B, C, H, W) and ground truth (B, H, W), 255 ignored.</summary>
    public void Add(Tensor probabilities, Tensor truth)
    {
        if (probabilities.Dim != 4 || truth.Dim != 3 || probabilities.Size(1) != NumClasses)
            throw new ArgumentException($"expected probabilities (B, {NumClasses}, H, W) and truth (B, H, W), got [{string.Join(", ", probabilities.Shape)}] and [{string.Join(", ", truth.Shape)}]");
        using var scope = Torch.Torch.NewDisposeScope();
        using var noGrad = Torch.Torch.NoGrad();
        var target = truth.Long();
        var valid = target.Ne(PixelLabels.IgnoreIndex);
        // The entropy split is taken over the pixels that have a ground truth, standing in for the
        // training batch's pixels whose pseudo-label is not ignored.
        var partition = EntropyPartition.FromEntropy(EntropyPartition.PixelEntropy(probabilities), valid);
        var unreliableMask = partition.HighEntropyMask(UnreliablePercent);
        var reliableMask = valid & unreliableMask.LogicalNot();
        var pseudo = probabilities.Argmax(1);
        var safeTarget = target.MaskedFill(valid.LogicalNot(), 0);
        var correct = pseudo.Eq(safeTarget) & valid;
        // Rank of the true class: how many classes the teacher finds more probable.
        var trueProbability = probabilities.Gather(1, safeTarget.Unsqueeze(1));
        var rank = probabilities.Gt(trueProbability).Sum(1L);

        reliable += Count(reliableMask);
        reliableCorrect += Count(correct & reliableMask);
        unreliable += Count(unreliableMask);
        unreliableCorrect += Count(correct & unreliableMask);
        var unreliableRanks = rank.MaskedSelect(unreliableMask);
        wrongNegatives += Count(unreliableRanks.Ge(LowRank) & unreliableRanks.Lt(HighRank));
        AddCounts(unreliableRank, unreliableRanks);
        AddCounts(reliablePseudo, pseudo.MaskedSelect(reliableMask));
        AddCounts(reliableTruth, target.MaskedSelect(reliableMask));
        AddCounts(reliableCorrectByClass, pseudo.MaskedSelect(correct & reliableMask));
    }

    public Result Summarize() => new(reliable, reliableCorrect, unreliable, unreliableCorrect, wrongNegatives,
                                     (long[])unreliableRank.Clone(), (long[])reliablePseudo.Clone(), (long[])reliableTruth.Clone(),
                                     (long[])reliableCorrectByClass.Clone());

    private static long Count(Tensor mask) => (long)mask.Sum(ScalarType.Int64).Item();

    private void AddCounts(long[] into, Tensor classes)
    {
        if (classes.NumEl == 0) return;
        var counts = Torch.Torch.Bincount(classes.Long(), minLength: NumClasses).ToArray<long>();
        for (var c = 0; c < NumClasses; c++) into[c] += counts[c];
    }

    /// <param name="UnreliableTrueRank">unreliable pixels by the rank of their true class (0 = the pseudo-label is right)</param>
    /// <param name="WrongNegatives">unreliable pixels whose true class ranks in [lowRank, highRank), where U2PL takes negatives</param>
    /// <param name="ReliablePseudoCounts">reliable pixels per pseudo-label class</param>
    /// <param name="ReliableTruthCounts">reliable pixels per true class</param>
    /// <param name="ReliableCorrectCounts">reliable pixels whose pseudo-label is right, per class</param>
    public sealed record Result(long Reliable, long ReliableCorrect, long Unreliable, long UnreliableCorrect, long WrongNegatives,
                                long[] UnreliableTrueRank, long[] ReliablePseudoCounts, long[] ReliableTruthCounts, long[] ReliableCorrectCounts)
    {
        public double ReliableAccuracy => Ratio(ReliableCorrect, Reliable);
        public double UnreliableAccuracy => Ratio(UnreliableCorrect, Unreliable);
        public double WrongNegativeRate => Ratio(WrongNegatives, Unreliable);

        /// <summary>Of the reliable pixels labelled c, the share that really are c (NaN when none is labelled c).</summary>
        public double Precision(int c) => Ratio(ReliableCorrectCounts[c], ReliablePseudoCounts[c]);

        /// <summary>Of the reliable pixels that really are c, the share labelled c.</summary>
        public double Recall(int c) => Ratio(ReliableCorrectCounts[c], ReliableTruthCounts[c]);

        private static double Ratio(long a, long b) => b == 0 ? double.NaN : (double)a / b;
    }
}
