using SemiSeg.Evaluation;

namespace SemiSeg.Tests.Evaluation;

public class PseudoLabelAuditTests
{
    // Five pixels, three classes. Entropies rise from pixel 0 to pixel 3; pixel 4 has no ground truth.
    //   pixel  probabilities        truth  pseudo  true-class rank
    //   0      0.90 0.05 0.05       0      0       0
    //   1      0.80 0.10 0.10       1      0       1 (only 0.80 is above 0.10)
    //   2      0.40 0.35 0.25       2      0       2
    //   3      0.34 0.33 0.33       0      0       0
    //   4      0.10 0.10 0.80       255    -       -
    // With 50% unreliable the threshold is np.percentile of the four valid entropies at 50, between
    // pixels 1 and 2: pixels 2 and 3 are unreliable, 0 and 1 reliable.
    private static (Tensor Probabilities, Tensor Truth) Batch()
    {
        var pixels = new[,] { { 0.90f, 0.05f, 0.05f }, { 0.80f, 0.10f, 0.10f }, { 0.40f, 0.35f, 0.25f }, { 0.34f, 0.33f, 0.33f }, { 0.10f, 0.10f, 0.80f } };
        var chw = new float[3 * 5];
        for (var c = 0; c < 3; c++)
            for (var x = 0; x < 5; x++) chw[c * 5 + x] = pixels[x, c];
        return (Tensor.From(chw, 1, 3, 1, 5), Tensor.From(new long[] { 0, 1, 2, 0, 255 }, 1, 1, 5));
    }

    [Fact]
    public void MatchesHandCountedNumbers()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var (probabilities, truth) = Batch();
        var audit = new PseudoLabelAudit(3, unreliablePercent: 50, lowRank: 1, highRank: 3);
        audit.Add(probabilities, truth);
        var r = audit.Summarize();
        Assert.Equal((2L, 1L, 2L, 1L), (r.Reliable, r.ReliableCorrect, r.Unreliable, r.UnreliableCorrect));
        Assert.Equal(new long[] { 1, 0, 1 }, r.UnreliableTrueRank);
        Assert.Equal(1, r.WrongNegatives);                       // pixel 2: its true class ranks 2, inside [1, 3)
        Assert.Equal(new long[] { 2, 0, 0 }, r.ReliablePseudoCounts);
        Assert.Equal(new long[] { 1, 1, 0 }, r.ReliableTruthCounts);
        Assert.Equal(new long[] { 1, 0, 0 }, r.ReliableCorrectCounts);
        Assert.Equal(0.5, r.ReliableAccuracy);
        Assert.Equal(0.5, r.Precision(0));
        Assert.Equal(0.0, r.Recall(1));
        Assert.True(double.IsNaN(r.Precision(2)));             // no reliable pixel is labelled 2
    }

    [Fact]
    public void BatchesAddUpAndNoTensorIsLeft()
    {
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        var audit = new PseudoLabelAudit(3, unreliablePercent: 50, lowRank: 1, highRank: 3);
        for (var i = 0; i < 2; i++)
        {
            var (probabilities, truth) = Batch();
            using (probabilities)
            using (truth) audit.Add(probabilities, truth);
        }
        var r = audit.Summarize();
        Assert.Equal((4L, 2L, 4L, 2L, 2L), (r.Reliable, r.ReliableCorrect, r.Unreliable, r.UnreliableCorrect, r.WrongNegatives));
        Assert.Equal(before, Tensor.LiveCount);
    }
}
