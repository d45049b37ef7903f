namespace SemiSeg.Torch.Distributed;

/// <summary>
/// Where and how the ranks of one job meet: the TCPStore address that torchrun exports as
/// MASTER_ADDR / MASTER_PORT, this rank and the world size, the backend, and the timeout that
/// bounds the rendezvous and every collective (a dead or hung peer becomes an error).
/// </summary>
public sealed record ProcessGroupOptions
{
    public string Backend { get; init; } = "gloo";
    public string MasterAddr { get; init; } = "127.0.0.1";
    public int MasterPort { get; init; } = 29500;
    public int WorldSize { get; init; } = 1;
    public int Rank { get; init; }
    /// <summary>True under torchrun: its agent already serves the store, so rank 0 must not.</summary>
    public bool AgentHostsStore { get; init; }
    /// <summary>Key prefix in the store; differs per restart so stale keys are never read.</summary>
    public string StorePrefix { get; init; } = "semiseg/";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}
