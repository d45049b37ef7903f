using SemiSeg.Torch.Distributed;

namespace SemiSeg.Methods;

/// <summary>
/// A method whose ranks in a data-parallel run share more than the gradients the reducer averages, or
/// whose own state differs between ranks. U2PL is one: its memory bank takes every rank's negatives
/// (the official dequeue_and_enqueue gathers them from all GPUs before it enqueues), its contrastive
/// weight is divided by the number of replicas, and its sampling generator draws a different number
/// of values on each rank, so each rank's generator state goes into the checkpoint for an exact resume.
/// </summary>
public interface IDataParallelMethod
{
    /// <summary>
    /// Called on every rank before the first step, after a resumed run's state was loaded (so a
    /// per-rank part of that state can be picked for this rank here).
    /// </summary>
    void JoinProcessGroup(ProcessGroup group);

    /// <summary>
    /// Called on every rank (it is a collective) before rank 0 writes a checkpoint: gathers the state
    /// that differs between ranks, so that rank 0's <see cref="ISegmentationMethod.SaveState"/> holds every rank's.
    /// </summary>
    void GatherRankState();
}
