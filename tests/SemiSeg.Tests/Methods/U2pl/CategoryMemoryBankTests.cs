using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

[Collection(SerialTensorCountCollection.Name)]
public class CategoryMemoryBankTests
{
    // Rows whose single feature is its id, so queue contents read as id lists.
    private static Tensor Rows(params float[] ids) => Tensor.From(ids, ids.Length, 1);

    private static float[] Ids(CategoryMemoryBank bank, int c)
    {
        using var scope = Torch.NewDisposeScope();
        return bank.Snapshot(c).Flatten().ToArray<float>();
    }

    [Fact]
    public void QueueSizesFollowThePaperByDefault()
    {
        using var bank = new CategoryMemoryBank(21, 256);
        Assert.Equal(50000, bank.Capacity(0));
        Assert.All(Enumerable.Range(1, 20), c => Assert.Equal(30000, bank.Capacity(c)));
        Assert.All(Enumerable.Range(0, 21), c => Assert.Equal(0, bank.Count(c)));
    }

    [Fact]
    public void KeepsTheNewestEntriesInArrivalOrder()
    {
        using var scope = Torch.NewDisposeScope();
        using var bank = new CategoryMemoryBank(2, 1, queueSize: 5, backgroundQueueSize: 7);
        Assert.Equal(3, bank.Enqueue(1, Rows(1, 2, 3)));
        Assert.Equal(new float[] { 1, 2, 3 }, Ids(bank, 1));
        bank.Enqueue(1, Rows(4, 5));
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, Ids(bank, 1));
        bank.Enqueue(1, Rows(6, 7));                          // oldest two leave
        Assert.Equal(new float[] { 3, 4, 5, 6, 7 }, Ids(bank, 1));
        bank.Enqueue(1, Rows(8, 9, 10, 11));                  // wraps around the ring
        Assert.Equal(new float[] { 7, 8, 9, 10, 11 }, Ids(bank, 1));
        bank.Enqueue(1, Rows(20, 21, 22, 23, 24, 25, 26));    // more than the queue holds: the last five
        Assert.Equal(new float[] { 22, 23, 24, 25, 26 }, Ids(bank, 1));
        Assert.Equal(0, bank.Enqueue(1, Tensor.From(Array.Empty<float>(), 0, 1)));
        Assert.Equal(5, bank.Count(1));
        Assert.Equal(0, bank.Count(0));                       // classes are independent
        bank.Enqueue(0, Rows(1, 2, 3, 4, 5, 6, 7, 8));
        Assert.Equal(new float[] { 2, 3, 4, 5, 6, 7, 8 }, Ids(bank, 0));
    }

    [Fact]
    public void RandomEnqueuesMatchTheOfficialCatThenTruncate()
    {
        using var scope = Torch.NewDisposeScope();
        using var bank = new CategoryMemoryBank(1, 1, backgroundQueueSize: 13);
        var model = new List<float>();
        var random = new Random(5);
        var next = 0f;
        for (var step = 0; step < 60; step++)
        {
            var n = random.Next(0, 9);
            var ids = Enumerable.Range(0, n).Select(_ => next++).ToArray();
            bank.Enqueue(0, Rows(ids));
            model.AddRange(ids);                               // queue = cat(queue, keys)[-size:]
            if (model.Count >= 13) model.RemoveRange(0, model.Count - 13);
            Assert.Equal(model, Ids(bank, 0));
        }
    }

    [Fact]
    public void SamplingIndexesTheQueueOldestFirst()
    {
        using var scope = Torch.NewDisposeScope();
        using var bank = new CategoryMemoryBank(1, 1, backgroundQueueSize: 6);
        bank.Enqueue(0, Rows(0, 1, 2, 3, 4));
        bank.Enqueue(0, Rows(5, 6, 7));                       // queue 2..7, ring start moved
        using var draw = new Generator(99);
        using var replay = new Generator(99);
        var sampled = bank.Sample(0, 20, draw).Flatten().ToArray<float>();
        var positions = Torch.Randint(0, 6, new long[] { 20 }, replay).ToArray<long>();
        Assert.Equal(positions.Select(p => 2f + p).ToArray(), sampled);
    }

    [Fact]
    public void StateRoundTripsAndRejectsMissingClasses()
    {
        using var scope = Torch.NewDisposeScope();
        using var bank = new CategoryMemoryBank(2, 1, queueSize: 3, backgroundQueueSize: 4);
        bank.Enqueue(0, Rows(1, 2, 3, 4, 5));
        bank.Enqueue(1, Rows(9));
        var state = bank.GetState();
        using var restored = new CategoryMemoryBank(2, 1, queueSize: 3, backgroundQueueSize: 4);
        restored.SetState(state);
        Assert.Equal(new float[] { 2, 3, 4, 5 }, Ids(restored, 0));
        Assert.Equal(new float[] { 9 }, Ids(restored, 1));
        foreach (var t in state.Values) t.Dispose();
        var error = Assert.Throws<ArgumentException>(() => restored.SetState(new Dictionary<string, Tensor>()));
        Assert.Contains("class_0", error.Message);
    }

    [Fact]
    public void DisposingTheBankFreesItsStorage()
    {
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        var bank = new CategoryMemoryBank(3, 4, queueSize: 10, backgroundQueueSize: 10);
        using (var scope = Torch.NewDisposeScope())
        {
            for (var c = 0; c < 3; c++) bank.Enqueue(c, Torch.Ones(new long[] { 6, 4 }));
            for (var c = 0; c < 3; c++) bank.Enqueue(c, Torch.Ones(new long[] { 7, 4 }));
        }
        Assert.Equal(before + 3, Tensor.LiveCount);           // one ring per class, nothing else left behind
        bank.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
        Assert.Throws<ObjectDisposedException>(() => bank.Count(0));
    }
}
