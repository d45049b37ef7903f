using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

public class ProbabilityRankNegativesTests
{
    // One labelled and one unlabelled image of 1 x 2 pixels, 5 classes.
    // Pixel probabilities (class 0..4):
    //   labelled  p0: [0.50, 0.20, 0.15, 0.10, 0.05] label 0     ranks 0 1 2 3 4
    //   labelled  p1: [0.05, 0.10, 0.15, 0.20, 0.50] label 1     ranks 4 3 2 1 0
    //   unlabelled p0: [0.10, 0.40, 0.30, 0.15, 0.05] pseudo 1   ranks 3 0 1 2 4
    //   unlabelled p1: [0.30, 0.25, 0.20, 0.15, 0.10] pseudo 2   ranks 0 1 2 3 4 (not in the high mask)
    private static (Tensor Probabilities, ContrastiveTargets Targets) Batch()
    {
        float[][] pixels =
        {
            new[] { 0.50f, 0.20f, 0.15f, 0.10f, 0.05f }, new[] { 0.05f, 0.10f, 0.15f, 0.20f, 0.50f },
            new[] { 0.10f, 0.40f, 0.30f, 0.15f, 0.05f }, new[] { 0.30f, 0.25f, 0.20f, 0.15f, 0.10f },
        };
        var data = new float[2 * 5 * 2];
        for (var image = 0; image < 2; image++)
            for (var c = 0; c < 5; c++)
                for (var x = 0; x < 2; x++)
                    data[(image * 5 + c) * 2 + x] = pixels[image * 2 + x][c];
        var probabilities = Tensor.From(data, 2, 5, 1, 2);
        var labels = Tensor.From(new long[] { 0, 1, 1, 2 }, 2, 1, 2);
        var low = Tensor.From(new[] { true, true, true, true }, 2, 1, 2);
        var high = Tensor.From(new[] { true, true, true, false }, 2, 1, 2);
        return (probabilities, ContrastiveTargets.FromParts(labels, low, high, numLabeled: 1, numClasses: 5));
    }

    private static bool[] Negatives(Tensor mask, int c) => mask.Select(1, c).Flatten().ToArray<bool>();

    [Fact]
    public void RanksCountFromTheMostProbableClass()
    {
        using var scope = Torch.NewDisposeScope();
        var (probabilities, _) = Batch();
        var ranks = ProbabilityRankNegatives.ClassRanks(probabilities);
        long[] RanksAt(int image, int x) => Enumerable.Range(0, 5).Select(c => ranks.Select(0, image).Select(0, c).Select(0, 0).Select(0, x).ItemInt()).ToArray();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, RanksAt(0, 0));
        Assert.Equal(new long[] { 4, 3, 2, 1, 0 }, RanksAt(0, 1));
        Assert.Equal(new long[] { 3, 0, 1, 2, 4 }, RanksAt(1, 0));
    }

    [Fact]
    public void PaperRuleFollowsEquations14And15()
    {
        using var scope = Torch.NewDisposeScope();
        var (probabilities, targets) = Batch();
        var mask = ProbabilityRankNegatives.Mask(probabilities, targets, lowRank: 2, highRank: 4);
        // Order of pixels: labelled p0, labelled p1, unlabelled p0, unlabelled p1.
        // Labelled: label != c and rank(c) < 2. p0 (label 0): class 1. p1 (label 1): classes 4 (rank 0) and 3 (rank 1).
        // Unlabelled p0 (high entropy): rank in [2, 4) -> classes 3 (rank 2) and 0 (rank 3). p1 is not in the high mask.
        Assert.Equal(new[] { false, false, true, false }, Negatives(mask, 0));
        Assert.Equal(new[] { true, false, false, false }, Negatives(mask, 1));
        Assert.Equal(new[] { false, false, false, false }, Negatives(mask, 2));
        Assert.Equal(new[] { false, true, true, false }, Negatives(mask, 3));
        Assert.Equal(new[] { false, true, false, false }, Negatives(mask, 4));
    }

    [Fact]
    public void OfficialRuleAlsoRequiresTheLabelToBeTheClass()
    {
        using var scope = Torch.NewDisposeScope();
        var (probabilities, targets) = Batch();
        var mask = ProbabilityRankNegatives.Mask(probabilities, targets, lowRank: 2, highRank: 4, rule: NegativeRule.Official);
        // Labelled pixels can never qualify; the unlabelled p0 has pseudo-label 1 whose rank is 0.
        Assert.False(mask.Any().Item() != 0);
        // Re-label unlabelled p0 as class 3 (a first pass that disagreed with this pass): now it is a negative of class 3.
        var labels = Tensor.From(new long[] { 0, 1, 3, 2 }, 2, 1, 2);
        var relabelled = ContrastiveTargets.FromParts(labels, targets.LowMask, targets.HighMask, 1, 5);
        var official = ProbabilityRankNegatives.Mask(probabilities, relabelled, 2, 4, rule: NegativeRule.Official);
        Assert.Equal(new[] { false, false, true, false }, Negatives(official, 3));
        Assert.Equal(1, official.Sum().ItemInt());
    }

    [Fact]
    public void NegativeThresholdExcludesConfidentPixels()
    {
        using var scope = Torch.NewDisposeScope();
        var (probabilities, targets) = Batch();
        var mask = ProbabilityRankNegatives.Mask(probabilities, targets, 2, 4, negativeThreshold: 0.12);
        // of the paper-rule negatives only unlabelled p0 / class 0 has p(c) = 0.10 below 0.12
        Assert.Equal(new[] { false, false, true, false }, Negatives(mask, 0));
        Assert.Equal(1, mask.Sum().ItemInt());
    }

    [Fact]
    public void TargetsMatchTheOfficialMaskConstruction()
    {
        using var scope = Torch.NewDisposeScope();
        var fixture = LossFixtures.Case("targets");
        var classes = fixture.Int("num_classes");
        var labelU = fixture.Tensor("label_u");
        var partition = EntropyPartition.FromProbabilities(fixture.Tensor("prob_u"), labelU);
        var targets = ContrastiveTargets.Build(fixture.Tensor("label_l"), labelU, partition, fixture.Number("alpha"),
                                               NegativeSource.Unreliable, fixture.Int("height"), fixture.Int("width"), classes);
        TensorAssert.Equal(fixture.Tensor("low_mask"), targets.LowMask, "low mask");
        TensorAssert.Equal(fixture.Tensor("high_mask"), targets.HighMask, "high mask");
        TensorAssert.Equal(fixture.Tensor("one_hot"), targets.OneHot, "one-hot labels");
        Assert.Equal(2, targets.NumLabeled);
    }

    [Fact]
    public void NegativeSourceSelectsUnreliableReliableOrAllUnlabelledPixels()
    {
        using var scope = Torch.NewDisposeScope();
        // one labelled image (all valid) and one unlabelled image with entropies 0.1 .. 0.4, one pixel cut out
        var labeled = Tensor.From(new long[] { 0, 1, 1, 0 }, 1, 2, 2);
        var pseudo = Tensor.From(new long[] { 0, 1, 255, 1 }, 1, 2, 2);
        var entropy = Tensor.From(new float[] { 0.1f, 0.4f, 0.9f, 0.2f }, 1, 2, 2);
        var partition = EntropyPartition.FromEntropy(entropy, pseudo.Ne(255));
        bool[] High(NegativeSource source) =>
            ContrastiveTargets.Build(labeled, pseudo, partition, 34, source, 2, 2, 2).HighMask.Flatten().ToArray<bool>();
        // 34%: top (>= p66 = 0.2 + 0.32 * 0.2 = 0.264) is the 0.4 pixel, bottom (<= p34 = 0.1 + 0.68 * 0.1) the 0.1 pixel
        Assert.Equal(new[] { true, true, true, true, false, true, false, false }, High(NegativeSource.Unreliable));
        Assert.Equal(new[] { true, true, true, true, true, false, false, false }, High(NegativeSource.Reliable));
        Assert.Equal(new[] { true, true, true, true, true, true, false, true }, High(NegativeSource.All));
        var low = ContrastiveTargets.Build(labeled, pseudo, partition, 34, NegativeSource.Unreliable, 2, 2, 2).LowMask.Flatten().ToArray<bool>();
        Assert.Equal(new[] { true, true, true, true, true, false, false, false }, low);
    }
}
