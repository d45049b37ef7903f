namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The category-wise memory bank of U2PL section 3.3: one FIFO queue of teacher features per class,
/// holding the negative candidates of that class (Q_c in Algorithm 1). Queue lengths follow the
/// paper's appendix A (30,000 per class, 50,000 for class 0) unless configured.
/// <para>
/// Semantics are the official dequeue_and_enqueue: new keys go to the back, and once a queue is
/// longer than its size only the newest entries are kept. Each queue is stored as a ring buffer on
/// the bank's device that grows on demand up to its size, so an enqueue costs the keys it writes,
/// not a copy of the whole queue; sampling maps queue positions (oldest first, as the official
/// list) to ring slots, so the same random indices pick the same features.
/// </para>
/// The bank owns its tensors: dispose it to free them.
/// </summary>
public sealed class CategoryMemoryBank : IDisposable
{
    private readonly Tensor?[] storage;
    private readonly long[] start;
    private readonly long[] count;
    private readonly long[] capacity;
    private bool disposed;

    public CategoryMemoryBank(int numClasses, long featureDim, int queueSize = 30000, int backgroundQueueSize = 50000, Device? device = null)
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "need at least one class");
        if (featureDim < 1) throw new ArgumentOutOfRangeException(nameof(featureDim), featureDim, "feature size must be >= 1");
        if (queueSize < 1) throw new ArgumentOutOfRangeException(nameof(queueSize), queueSize, "queue size must be >= 1");
        if (backgroundQueueSize < 1) throw new ArgumentOutOfRangeException(nameof(backgroundQueueSize), backgroundQueueSize, "queue size must be >= 1");
        NumClasses = numClasses;
        FeatureDim = featureDim;
        Device = device ?? Device.CPU;
        storage = new Tensor?[numClasses];
        start = new long[numClasses];
        count = new long[numClasses];
        capacity = Enumerable.Range(0, numClasses).Select(c => (long)(c == 0 ? backgroundQueueSize : queueSize)).ToArray();
    }

    /// <summary>A bank sized from the contrastive options (queue_size, background_queue_size).</summary>
    public static CategoryMemoryBank FromOptions(ContrastiveOptions options, int numClasses, long featureDim, Device? device = null) =>
        new(numClasses, featureDim, options.QueueSize, options.BackgroundQueueSize, device);

    public int NumClasses { get; }
    public long FeatureDim { get; }
    public Device Device { get; }

    /// <summary>The most entries class c keeps.</summary>
    public long Capacity(int c) => capacity[CheckClass(c)];

    /// <summary>The entries class c holds now.</summary>
    public long Count(int c) => count[CheckClass(c)];

    /// <summary>
    /// Appends keys (n, FeatureDim) to class c's queue, dropping the oldest entries beyond its size.
    /// Returns n, as the official function does.
    /// </summary>
    public long Enqueue(int c, Tensor keys)
    {
        CheckClass(c);
        if (keys.Dim != 2 || keys.Size(1) != FeatureDim)
            throw new ArgumentException($"keys must be (n, {FeatureDim}), got [{string.Join(", ", keys.Shape)}]");
        var n = keys.Size(0);
        if (n == 0) return 0;
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var cap = capacity[c];
        // Only the newest cap rows can stay: narrowed before the copy, so no input (a long saved queue, a zero-stride
        // view) makes this allocate more than the queue's own size.
        var source = (n > cap ? keys.Narrow(0, n - cap, cap) : keys).Detach().To(Device, ScalarType.Float32);
        if (n >= cap)
        {
            EnsureRows(c, cap);
            storage[c]!.Narrow(0, 0, cap).CopyInPlace(source);
            start[c] = 0;
            count[c] = cap;
            return n;
        }
        var newCount = Math.Min(cap, count[c] + n);
        // Until a queue is full its entries sit at [0, count) and it may grow; once full it wraps.
        EnsureRows(c, count[c] + n <= cap ? count[c] + n : cap);
        var rows = storage[c]!.Size(0);
        var position = (start[c] + count[c]) % rows;
        var first = Math.Min(n, rows - position);
        storage[c]!.Narrow(0, position, first).CopyInPlace(source.Narrow(0, 0, first));
        if (first < n) storage[c]!.Narrow(0, 0, n - first).CopyInPlace(source.Narrow(0, first, n - first));
        start[c] = (start[c] + (count[c] + n - newCount)) % rows;
        count[c] = newCount;
        return n;
    }

    /// <summary>
    /// Entries of class c drawn uniformly with replacement, (k, FeatureDim): positions come from
    /// randint(count, k) on <paramref name="generator"/> (a CPU generator), as the official sampling.
    /// </summary>
    public Tensor Sample(int c, long k, Generator generator)
    {
        CheckClass(c);
        if (count[c] == 0) throw new InvalidOperationException($"memory bank class {c} is empty");
        using var scope = Torch.NewDisposeScope();
        var positions = Torch.Randint(0, count[c], new[] { k }, generator).To(Device);
        return scope.MoveToOuter(Gather(c, positions));
    }

    /// <summary>Entries at queue positions (0 = oldest) of class c.</summary>
    public Tensor Gather(int c, Tensor positions)
    {
        CheckClass(c);
        using var scope = Torch.NewDisposeScope();
        var rows = storage[c]?.Size(0) ?? 0;
        if (start[c] == 0) return scope.MoveToOuter(storage[c]!.IndexSelect(0, positions));
        // Integer offsets as int64 tensors: adding a C# number would turn the indices into floats.
        var slots = positions + Tensor.Scalar(start[c]);
        slots = Torch.Where(slots.Ge(rows), slots - Tensor.Scalar(rows), slots);
        return scope.MoveToOuter(storage[c]!.IndexSelect(0, slots));
    }

    /// <summary>Class c's queue, oldest first (count, FeatureDim): a new tensor the caller owns.</summary>
    public Tensor Snapshot(int c)
    {
        CheckClass(c);
        using var scope = Torch.NewDisposeScope();
        if (count[c] == 0) return scope.MoveToOuter(Torch.Zeros(new[] { 0, FeatureDim }, device: Device));
        var s = storage[c]!;
        var rows = s.Size(0);
        var result = start[c] == 0
            ? s.Narrow(0, 0, count[c]).Clone()
            : Torch.Cat(new[] { s.Narrow(0, start[c], rows - start[c]), s.Narrow(0, 0, start[c]) });
        return scope.MoveToOuter(result);
    }

    /// <summary>Empties every queue (storage is kept for reuse).</summary>
    public void Clear()
    {
        Array.Clear(start);
        Array.Clear(count);
    }

    /// <summary>
    /// The queues for a checkpoint, keyed "class_{c}" (oldest first). The tensors are new and the
    /// caller owns them.
    /// </summary>
    public Dictionary<string, Tensor> GetState()
    {
        var state = new Dictionary<string, Tensor>();
        for (var c = 0; c < NumClasses; c++) state[StateKey(c)] = Snapshot(c).DetachFromDisposeScope();
        return state;
    }

    /// <summary>Restores queues written by <see cref="GetState"/>; every class must be present.</summary>
    public void SetState(IReadOnlyDictionary<string, Tensor> state)
    {
        for (var c = 0; c < NumClasses; c++)
        {
            if (!state.TryGetValue(StateKey(c), out var queue)) throw new ArgumentException($"memory bank state has no '{StateKey(c)}'");
            // Checked before anything is copied. A queue longer than the configured size keeps its newest rows, as the
            // official dequeue_and_enqueue does; Enqueue narrows before it copies, so the bank never grows past its size.
            if (queue.Dim != 2 || queue.Size(1) != FeatureDim)
                throw new ArgumentException($"memory bank '{StateKey(c)}' is [{string.Join(", ", queue.Shape)}], but the config's bank holds rows of {FeatureDim} features");
        }
        Clear();
        for (var c = 0; c < NumClasses; c++) Enqueue(c, state[StateKey(c)]);
    }

    public static string StateKey(int c) => $"class_{c}";

    private void EnsureRows(int c, long needed)
    {
        var current = storage[c]?.Size(0) ?? 0;
        if (current >= needed) return;
        // Amortised growth while filling: double, but never beyond the queue size.
        var rows = Math.Min(capacity[c], Math.Max(needed, current * 2));
        var grown = Torch.Zeros(new[] { rows, FeatureDim }, device: Device).DetachFromDisposeScope();
        if (storage[c] is { } old)
        {
            if (count[c] > 0)
            {
                using var scope = Torch.NewDisposeScope();
                // Not yet wrapped (start == 0) whenever growth is needed: the queue was below its size.
                grown.Narrow(0, 0, count[c]).CopyInPlace(old.Narrow(0, 0, count[c]));
            }
            old.Dispose();
        }
        storage[c] = grown;
    }

    private int CheckClass(int c)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (c < 0 || c >= NumClasses) throw new ArgumentOutOfRangeException(nameof(c), c, $"class must be in [0, {NumClasses})");
        return c;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in storage) t?.Dispose();
        Array.Clear(storage);
    }
}
