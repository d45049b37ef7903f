namespace SemiSeg.Torch;

/// <summary>
/// Records every copy into host memory made on this thread while it is open: the values read
/// (<see cref="Tensor.Item"/>, <see cref="Tensor.ItemInt"/>, <see cref="Tensor.CopyTo{T}"/>,
/// <see cref="Tensor.ToArray{T}"/>) and the moves of a device tensor to the CPU. On a GPU each one
/// waits for the device, so a training step should make only the few it needs; tests count them.
/// Costs one thread-static null check per entry point when none is open.
/// </summary>
public sealed class HostReads : IDisposable
{
    [ThreadStatic] private static HostReads? current;

    private readonly HostReads? outer;
    private readonly List<HostRead> reads = new();

    private HostReads(HostReads? outer) => this.outer = outer;

    /// <summary>Starts recording on this thread (nested recorders each see what happens while they are innermost).</summary>
    public static HostReads Record() => current = new HostReads(current);

    internal static bool Active => current is not null;

    /// <summary>Everything recorded, in order.</summary>
    public IReadOnlyList<HostRead> All => reads;

    /// <summary>The copies whose data came from a device (none on a CPU-only run).</summary>
    public IReadOnlyList<HostRead> FromDevice => reads.Where(r => r.FromDevice).ToList();

    public void Clear() => reads.Clear();

    internal static void Add(Device source, string entry, string callerFile, string callerMember)
    {
        if (current is null) return;
        var file = Path.GetFileNameWithoutExtension(callerFile);
        current.reads.Add(new HostRead($"{file}.{callerMember}", source, entry));
    }

    public void Dispose()
    {
        if (current == this) current = outer;
    }
}
