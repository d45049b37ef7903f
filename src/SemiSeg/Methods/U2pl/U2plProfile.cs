namespace SemiSeg.Methods;

/// <summary>
/// What a U2PL step computes beyond its loss functions: the paper's reading or what the official
/// train_semi.py (Haochen-Wang409/U2PL, commit ab3d2be) computes in a published run of a given
/// world size. <c>trainer.profile</c> chooses the defaults; every difference is also its own switch
/// (here for the trainer-level ones, in <see cref="ContrastiveOptions"/> for the contrastive ones),
/// so a user may keep, say, the official weight with correct one-hot maps.
/// <list type="table">
/// <item><term>world_size</term><description>the number of GPUs of the run being reproduced. One
/// process loads world_size x batch_size labelled and unlabelled images per step, runs the networks
/// on all of them at once (batch norm over the whole batch, as the official sync_bn over all GPUs)
/// and, with per_replica_statistics, computes each GPU's statistics on its own chunk.</description></item>
/// <item><term>per_replica_statistics</term><description>the supervised loss, the drop percentile and
/// weight of the unsupervised loss, the entropy masks and the contrastive loss are computed per chunk
/// of batch_size + batch_size images, as each official replica computes them on its own images; the
/// step's loss is their mean over chunks (DistributedDataParallel averages the replicas' gradients);
/// the memory bank receives every chunk's negatives (the official all_gather) before any chunk samples.</description></item>
/// <item><term>same_seed_on_every_replica</term><description>official train_semi.py:73-75 seeds numpy and
/// torch with --seed on every rank, so every replica draws the same strong-mix decision and the same
/// CutMix boxes in a step: the mix draws are made once and applied to every chunk.</description></item>
/// </list>
/// </summary>
public sealed record U2plProfile
{
    public const string Section = "trainer";
    public const string OfficialName = "official";
    public const string PaperName = "paper";

    /// <summary>profile (ours): official or paper; the defaults of every switch below and of the contrastive ones.</summary>
    public string Name { get; init; } = PaperName;

    /// <summary>world_size (ours): GPUs of the reproduced run (the published VOC runs: 4; Cityscapes: 8).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>per_replica_statistics (ours): statistics and losses per chunk of batch_size images.</summary>
    public bool PerReplicaStatistics { get; init; } = true;

    /// <summary>same_seed_on_every_replica (ours): one strong-mix draw per step for every chunk.</summary>
    public bool SameSeedOnEveryReplica { get; init; }

    public bool IsOfficial => Name == OfficialName;

    /// <summary>How many chunks a step's batch is split into for the per-replica statistics.</summary>
    public int Chunks => PerReplicaStatistics ? WorldSize : 1;

    /// <summary>The profile's default for every contrastive switch it governs.</summary>
    public ContrastiveOptions ContrastiveDefaults(ContrastiveOptions options) => IsOfficial
        ? options with { NegativeRuleName = "official", OneHotName = "official", ClassOrderName = "official", WeightByWorldSize = true }
        : options;

    /// <summary>
    /// The factor on lambda_c the world size gives (1 / world_size when weight_by_world_size): the replicas
    /// simulated in each process times the <paramref name="processes"/> of a data-parallel run.
    /// </summary>
    public double ContrastiveScale(ContrastiveOptions options, int processes = 1) =>
        options.WeightByWorldSize ? 1.0 / ((double)WorldSize * processes) : 1.0;

    public U2plProfile Validate()
    {
        OptionChecks.OneOf($"{Section}.profile", Name, OfficialName, PaperName);
        OptionChecks.AtLeast($"{Section}.world_size", WorldSize, 1);
        return this;
    }
}
