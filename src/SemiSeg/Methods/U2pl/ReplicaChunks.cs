namespace SemiSeg.Methods;

/// <summary>
/// How one process's batch splits into the simulated replicas of a multi-GPU run: replica r owns
/// labelled rows [r Bl, (r + 1) Bl) and unlabelled rows [r Bu, (r + 1) Bu) of their halves, the
/// images a DistributedSampler would have given GPU r. In a joined (labelled then unlabelled)
/// batch, replica r's rows are its labelled rows followed by its unlabelled rows, the order of
/// torch.cat((image_l, image_u)) on that GPU.
/// </summary>
public readonly record struct ReplicaChunks(int Count, long LabeledPerReplica, long UnlabeledPerReplica)
{
    public static ReplicaChunks Split(int replicas, long labeled, long unlabeled)
    {
        if (replicas < 1) throw new ArgumentOutOfRangeException(nameof(replicas));
        if (labeled % replicas != 0 || unlabeled % replicas != 0)
            throw new ArgumentException($"trainer.world_size = {replicas}: a batch of {labeled} labelled and {unlabeled} unlabelled images does not split into {replicas} equal replicas");
        return new ReplicaChunks(replicas, labeled / replicas, unlabeled / replicas);
    }

    public long LabeledStart(int r) => r * LabeledPerReplica;
    public long UnlabeledStart(int r) => r * UnlabeledPerReplica;

    /// <summary>Replica r's labelled rows of a (B_l, ...) tensor.</summary>
    public Tensor Labeled(Tensor t, int r) => Count == 1 ? t : t.Narrow(0, LabeledStart(r), LabeledPerReplica);

    /// <summary>Replica r's unlabelled rows of a (B_u, ...) tensor.</summary>
    public Tensor Unlabeled(Tensor t, int r) => Count == 1 ? t : t.Narrow(0, UnlabeledStart(r), UnlabeledPerReplica);

    /// <summary>Replica r's rows of a joined (B_l + B_u, ...) tensor: its labelled rows, then its unlabelled rows.</summary>
    public Tensor Joined(Tensor t, int r) => Count == 1
        ? t
        : global::SemiSeg.Torch.Torch.Cat(new[]
        {
            t.Narrow(0, LabeledStart(r), LabeledPerReplica),
            t.Narrow(0, Count * LabeledPerReplica + UnlabeledStart(r), UnlabeledPerReplica),
        });
}
