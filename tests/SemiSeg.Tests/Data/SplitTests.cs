using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

public class SplitTests
{
    private static readonly string[] Ids = Enumerable.Range(0, 4000).Select(i => $"train_{i:D5}").ToArray();

    [Theory]
    [InlineData("1/16", 250)]
    [InlineData("1/8", 500)]
    [InlineData("1/4", 1000)]
    [InlineData("1/2", 2000)]
    [InlineData("full", 4000)]
    public void FractionGivesTheProtocolCountAndTheComplement(string fraction, int expected)
    {
        var partition = SplitGenerator.ByFraction(Ids, SplitGenerator.ParseFraction(fraction), seed: 3);
        Assert.Equal(expected, partition.Labelled.Count);
        Assert.Equal(4000 - expected, partition.Unlabelled.Count);
        Assert.Empty(partition.Labelled.Intersect(partition.Unlabelled));
        Assert.Equal(Ids, partition.Labelled.Concat(partition.Unlabelled).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RoundingFollowsU2plsLists()
    {
        // U2PL ships 92 (1464/16), 662 (10582/16), 186 (2975/16), 1488 (2975/2) labelled images.
        Assert.Equal(92, SplitGenerator.CountFor(1464, 1.0 / 16));
        Assert.Equal(662, SplitGenerator.CountFor(10582, 1.0 / 16));
        Assert.Equal(186, SplitGenerator.CountFor(2975, 1.0 / 16));
        Assert.Equal(1488, SplitGenerator.CountFor(2975, 1.0 / 2));
    }

    [Fact]
    public void PartitionIsDeterministicFromTheSeed()
    {
        var a = SplitGenerator.ByCount(Ids, 100, seed: 7);
        var b = SplitGenerator.ByCount(Ids, 100, seed: 7);
        var c = SplitGenerator.ByCount(Ids, 100, seed: 8);
        Assert.Equal(a.Labelled, b.Labelled);
        Assert.NotEqual(a.Labelled, c.Labelled);
        // The subset is spread over the list, not a prefix.
        Assert.InRange(a.Labelled.Count(id => string.CompareOrdinal(id, "train_02000") < 0), 30, 70);
    }

    [Fact]
    public void WrittenPartitionReadsBackUnchanged()
    {
        using var temp = new TempDirectory();
        var partition = SplitGenerator.ByCount(Ids[..20], 5, seed: 1);
        SplitFile.WritePartition(temp.Combine("5"), partition);
        var read = SplitFile.ReadPartition(temp.Combine("5"));
        Assert.Equal(partition.Labelled, read.Labelled);
        Assert.Equal(partition.Unlabelled, read.Unlabelled);
        Assert.Equal(string.Join("\n", partition.Labelled) + "\n", File.ReadAllText(temp.Combine("5", "labeled.txt")));
    }

    [Theory]
    [InlineData("1/0")]
    [InlineData("3/2")]
    [InlineData("half")]
    [InlineData("0")]
    public void BadFractionsAreRejected(string text) => Assert.Throws<FormatException>(() => SplitGenerator.ParseFraction(text));
}
