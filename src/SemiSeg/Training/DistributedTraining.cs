using SemiSeg.Evaluation;
using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Torch.Distributed;

namespace SemiSeg.Training;

/// <summary>
/// One rank of a data-parallel run (torchrun's environment: WORLD_SIZE, RANK, MASTER_ADDR, ...):
/// the process group, the student's and teacher's parameters and buffers broadcast from rank 0 at
/// the start, SyncBatchNorm where net.sync_bn is set, DDP's gradient reducer over the student,
/// and the confusion matrices summed over the ranks. Each rank's loader makes only its rows of the
/// global batch (world_size x batch_size of each kind, the batch of one process with an N-times larger
/// batch; <see cref="Data.LoaderOptions.ShardCount"/>), so the ranks together see exactly that
/// process's samples and augmentation draws.
/// </summary>
public sealed class DistributedTraining : IDisposable
{
    private GradientReducer? reducer;
    private readonly Device device;   // NCCL reduces tensors on the GPU only

    private DistributedTraining(ProcessGroup group, Device device)
    {
        Group = group;
        this.device = device;
    }

    public ProcessGroup Group { get; }
    public int Rank => Group.Rank;
    public int WorldSize => Group.WorldSize;
    public bool IsMain => Group.IsMain;
    public GradientReducer? Reducer => reducer;

    /// <summary>
    /// The device of a worker: "cuda" without an index becomes the GPU of the worker's LOCAL_RANK (one GPU per
    /// worker on each machine, as torchrun scripts call torch.cuda.set_device(local_rank)); an explicit index and
    /// the CPU stay as configured.
    /// </summary>
    public static Device DeviceOfWorker(Device configured, bool indexGiven, int localRank) =>
        configured.Type == DeviceType.CUDA && !indexGiven ? Device.CUDA(localRank) : configured;

    /// <summary>Joins the job described by the environment; null when this process trains alone.</summary>
    public static DistributedTraining? Join(ExperimentConfig config)
    {
        var env = DistributedEnvironment.FromProcess();
        if (!env.IsDistributed) return null;
        if (config.Profile.WorldSize > 1)
            throw new ArgumentException($"{config.SourcePath}: trainer.world_size is {config.Profile.WorldSize}, which simulates replicas in one process; " +
                                        $"with {env.WorldSize} real worker processes set it to 1 (each worker is one replica)");
        // The with_AEL branch keeps a confidence bank and a CutMix bank per GPU, from that GPU's images; SemiSeg's
        // checkpoint holds one of each, so a data-parallel AEL run could not resume exactly (issue 17).
        if (config.Method == "u2pl_ael")
            throw new ArgumentException($"{config.SourcePath}: method u2pl_ael trains in one process only for now (its confidence and CutMix banks " +
                                        "are per rank in the with_AEL branch and SemiSeg's checkpoint keeps one of each); run it without --nproc-per-node");
        var backend = config.Device.Type == DeviceType.CUDA ? "nccl" : "gloo";
        return new DistributedTraining(ProcessGroup.Create(env.ToOptions(backend, DistributedEnvironment.Timeout(Environment.GetEnvironmentVariable))),
                                       config.Device);
    }

    /// <summary>
    /// Makes every rank start from rank 0's weights (DDP's _sync_module_states), switches batch norm
    /// to SyncBatchNorm when net.sync_bn is set, and hooks the reducer onto the student's gradients.
    /// find_unused_parameters: a head the step's loss does not reach (U2PL's representation head in
    /// the warm-up epochs) must not stall the other gradients.
    /// </summary>
    public void Prepare(ExperimentConfig config, TrainingModels models, ISegmentationMethod method)
    {
        foreach (var model in new[] { models.Student, models.Teacher })
        {
            if (model is null) continue;
            // Detached views, as DDP's _sync_module_states: the copy back must not be an in-place
            // operation on a leaf that requires grad.
            using (Torch.Torch.NewDisposeScope())
                Group.BroadcastCoalesced(model.Parameters().Concat(model.NamedBuffers().Select(b => b.Buffer)).Select(t => t.Detach()).ToList());
            if (config.Net.SyncBn) SyncBatchNorm.Convert(model, Group);
        }
        var trained = models.Student.Parameters().Where(p => p.RequiresGrad).ToList();
        reducer = new GradientReducer(Group, trained, findUnusedParameters: true);
        (method as IDataParallelMethod)?.JoinProcessGroup(Group);
    }

    /// <summary>Before rank 0 writes a checkpoint, on every rank: the method's per-rank state goes to rank 0.</summary>
    public void GatherMethodState(ISegmentationMethod method) => (method as IDataParallelMethod)?.GatherRankState();

    /// <summary>True on every rank when it is true on any (a stop request seen by one worker stops all after the same step).</summary>
    public bool AnyRank(bool value) => FirstRankWith(value) is not null;

    /// <summary>The lowest rank for which <paramref name="value"/> is true, on every rank; null when it is true on none.</summary>
    public int? FirstRankWith(bool value) => Group.FirstRankWith(value, device);

    /// <summary>
    /// The step's logged loss terms averaged over the ranks (the official code all-reduces its logged
    /// losses and divides by the world size), so rank 0 reports the whole batch, not its share.
    /// </summary>
    public IReadOnlyDictionary<string, double> AverageOverRanks(IReadOnlyDictionary<string, double> terms)
    {
        var keys = terms.Keys.ToArray();
        using var scope = Torch.Torch.NewDisposeScope();
        var values = Tensor.From(keys.Select(k => terms[k]).ToArray(), keys.Length).To(device);
        Group.AllReduce(values);
        var sums = values.ToArray<double>();
        return keys.Select((k, i) => (k, sums[i] / WorldSize)).ToDictionary(p => p.k, p => p.Item2);
    }

    /// <summary>Sums every rank's confusion counts, so each rank holds the whole validation set's.</summary>
    public void SumOverRanks(ConfusionMatrix matrix) => Group.AllReduce(matrix.CountsTensor);

    public void Barrier() => Group.Barrier();

    public void Dispose()
    {
        reducer?.Dispose();
        Group.Dispose();
    }
}
