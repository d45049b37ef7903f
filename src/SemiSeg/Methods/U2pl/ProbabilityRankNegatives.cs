namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// Which pixels are negative samples of each class, by the rank of that class in the teacher's
/// probabilities (U2PL Eq. 13-15). O_ij(c) is the position of class c when the pixel's
/// probabilities are sorted in descending order (0 for the argmax).
/// <list type="bullet">
/// <item>Eq. 14, labelled pixel: label != c and O(c) &lt; r_l (c is a close confusion).</item>
/// <item>Eq. 15, unlabelled pixel: in the negative source (high entropy by default) and
/// r_l &lt;= O(c) &lt; r_h (c is unlikely but not among the most unlikely).</item>
/// </list>
/// Both also require p(c) &lt; current_class_negative_threshold and a pixel in the high mask. The
/// <see cref="NegativeRule.Official"/> rule further requires the pixel's label to be c, as the
/// official code does.
/// </summary>
public static class ProbabilityRankNegatives
{
    /// <summary>(B, C, h, w) int64: the rank O(c) of every class at every pixel.</summary>
    public static Tensor ClassRanks(Tensor probabilities)
    {
        using var scope = Torch.NewDisposeScope();
        var order = probabilities.Sort(1, descending: true).Indices;                 // class at each rank
        var classes = probabilities.Size(1);
        var positions = Torch.Arange(classes, device: probabilities.Device).View(1, classes, 1, 1).ExpandAs(order).Contiguous();
        var ranks = Torch.ZerosLike(order).Scatter(1, order, positions);           // rank of each class
        return scope.MoveToOuter(ranks);
    }

    /// <summary>
    /// (B, C, h, w) bool negative mask from the teacher's probabilities (B, C, h, w) at the
    /// representation's resolution and the targets built for the same batch.
    /// </summary>
    public static Tensor Mask(Tensor probabilities, ContrastiveTargets targets, int lowRank, int highRank,
                              double negativeThreshold = 1, NegativeRule rule = NegativeRule.Paper)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var ranks = ClassRanks(probabilities);
        var labeledCount = targets.NumLabeled;
        var total = probabilities.Size(0);
        var isClass = targets.OneHot.Bool();

        var ranksL = ranks.Narrow(0, 0, labeledCount);
        var ranksU = ranks.Narrow(0, labeledCount, total - labeledCount);
        var labeledRule = ranksL.Lt(lowRank) & isClass.Narrow(0, 0, labeledCount).LogicalNot();
        var unlabeledRule = ranksU.Ge(lowRank) & ranksU.Lt(highRank);
        var rankRule = Torch.Cat(new[] { labeledRule, unlabeledRule });

        var mask = rankRule & probabilities.Lt(negativeThreshold) & targets.HighMask.Unsqueeze(1);
        if (rule == NegativeRule.Official) mask = mask & isClass;
        return scope.MoveToOuter(mask);
    }
}
