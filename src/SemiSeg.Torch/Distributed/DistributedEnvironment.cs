namespace SemiSeg.Torch.Distributed;

/// <summary>
/// This worker's place in a job, read from the environment variables torchrun sets (and that
/// Slurm or Kubernetes launchers set the same way): WORLD_SIZE, RANK, LOCAL_RANK,
/// MASTER_ADDR, MASTER_PORT; TORCHELASTIC_USE_AGENT_STORE and TORCHELASTIC_RESTART_COUNT
/// when torchrun's agent hosts the store. Without WORLD_SIZE the job is one process.
/// </summary>
public sealed record DistributedEnvironment(int WorldSize, int Rank, int LocalRank, string MasterAddr, int MasterPort,
                                            bool AgentHostsStore, int RestartCount)
{
    /// <summary>torch.distributed's default, 30 minutes; SEMISEG_DIST_TIMEOUT (seconds) overrides it.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public static DistributedEnvironment Single { get; } = new(1, 0, 0, "127.0.0.1", 29500, false, 0);

    public bool IsDistributed => WorldSize > 1;

    public static DistributedEnvironment FromProcess() => Read(Environment.GetEnvironmentVariable);

    public static DistributedEnvironment Read(Func<string, string?> variable)
    {
        if (string.IsNullOrEmpty(variable("WORLD_SIZE"))) return Single;
        var worldSize = Integer(variable, "WORLD_SIZE", null, 1, int.MaxValue);
        var rank = Integer(variable, "RANK", null, 0, worldSize - 1);
        var localRank = Integer(variable, "LOCAL_RANK", rank, 0, worldSize - 1);
        var port = Integer(variable, "MASTER_PORT", null, 1, 65535);
        var addr = variable("MASTER_ADDR");
        if (string.IsNullOrWhiteSpace(addr)) throw new ArgumentException("environment variable MASTER_ADDR is not set (WORLD_SIZE is)");
        var agentStore = string.Equals(variable("TORCHELASTIC_USE_AGENT_STORE"), "True", StringComparison.OrdinalIgnoreCase);
        var restarts = Integer(variable, "TORCHELASTIC_RESTART_COUNT", 0, 0, int.MaxValue);
        return new DistributedEnvironment(worldSize, rank, localRank, addr, port, agentStore, restarts);
    }

    /// <summary>The collective timeout: SEMISEG_DIST_TIMEOUT seconds, else <see cref="DefaultTimeout"/>.</summary>
    public static TimeSpan Timeout(Func<string, string?> variable)
    {
        var text = variable("SEMISEG_DIST_TIMEOUT");
        if (string.IsNullOrEmpty(text)) return DefaultTimeout;
        return double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"environment variable SEMISEG_DIST_TIMEOUT is '{text}': expected a positive number of seconds");
    }

    public ProcessGroupOptions ToOptions(string backend, TimeSpan timeout) => new()
    {
        Backend = backend,
        MasterAddr = MasterAddr,
        MasterPort = MasterPort,
        WorldSize = WorldSize,
        Rank = Rank,
        AgentHostsStore = AgentHostsStore,
        StorePrefix = $"semiseg/attempt_{RestartCount}/",
        Timeout = timeout,
    };

    private static int Integer(Func<string, string?> variable, string name, int? fallback, int min, int max)
    {
        var text = variable(name);
        if (string.IsNullOrEmpty(text))
            return fallback ?? throw new ArgumentException($"environment variable {name} is not set (WORLD_SIZE is)");
        if (!int.TryParse(text, out var value) || value < min || value > max)
            throw new ArgumentException($"environment variable {name} is '{text}': expected an integer in {min}..{max}");
        return value;
    }
}
