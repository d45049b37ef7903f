using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// The validation set's shards in a data-parallel run: every image in exactly one process, and each
/// process's batches the very batches one process makes (so the summed confusion counts are the same).
/// </summary>
public class DataSourcesTests
{
    [Theory]
    [InlineData(7, 1, 2)]
    [InlineData(7, 3, 2)]    // 3 batches of 3, 3, 1: rank 0 gets the short last one
    [InlineData(10, 4, 3)]   // 3 batches for 3 ranks
    [InlineData(5, 2, 4)]    // 3 batches for 4 ranks: rank 3 has none
    [InlineData(500, 50, 2)]
    public void EachImageIsInOneShardAndEachShardHoldsWholeBatches(int count, int batchSize, int processes)
    {
        var whole = Enumerable.Range(0, count).Chunk(batchSize).ToArray();
        var seen = new List<int>();
        for (var rank = 0; rank < processes; rank++)
        {
            var shard = DataSources.ShardOfBatches(count, batchSize, processes, rank);
            seen.AddRange(shard);
            var expected = whole.Where((_, b) => b % processes == rank).ToArray();
            var batches = shard.Chunk(batchSize).ToArray();
            Assert.Equal(expected.Length, batches.Length);
            for (var b = 0; b < batches.Length; b++) Assert.Equal(expected[b], batches[b]);
        }
        Assert.Equal(Enumerable.Range(0, count), seen.Order());
    }

    [Fact]
    public void ARankWithoutBatchesGetsAnEmptyShard() =>
        Assert.Empty(DataSources.ShardOfBatches(5, 2, 4, 3));
}
