using SemiSeg.Torch.Distributed;

namespace SemiSeg.Torch.nn;

/// <summary>
/// Batch normalisation over (N, H, W) per channel (nn.BatchNorm2d). In training it normalises
/// with the batch statistics and updates running_mean / running_var (unbiased variance) with
/// the given momentum, or a cumulative average when momentum is null; in eval it uses them.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    public long NumFeatures { get; }
    public double Eps { get; }
    public double? Momentum { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public Tensor NumBatchesTracked { get; }

    /// <summary>
    /// When set (net.sync_bn with several ranks), training statistics are those of the whole
    /// batch across the group's ranks (<see cref="SyncBatchNorm"/>); eval is unchanged.
    /// </summary>
    public ProcessGroup? SyncGroup { get; set; }

    public BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1)
    {
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        Weight = RegisterParameter("weight", Torch.Ones(new[] { numFeatures }));
        Bias = RegisterParameter("bias", Torch.Zeros(new[] { numFeatures }));
        RunningMean = RegisterBuffer("running_mean", Torch.Zeros(new[] { numFeatures }));
        RunningVar = RegisterBuffer("running_var", Torch.Ones(new[] { numFeatures }));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Torch.Zeros(Array.Empty<long>(), ScalarType.Int64));
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 4) throw new ArgumentException($"BatchNorm2d expects (N, C, H, W) input, got {input}");
        var momentum = Momentum ?? 0.0;
        var synchronised = Training && SyncGroup is { WorldSize: > 1 };
        if (Training)
        {
            // As torch.nn.functional.batch_norm: one value per channel has no variance to normalise by.
            // (Synchronised, the native layer checks this over all ranks' values.)
            var shape = input.Shape;
            if (!synchronised && shape[0] * shape[2] * shape[3] == 1)
                throw new ArgumentException($"BatchNorm2d in training needs more than one value per channel, got input {input}");
            using (Torch.NoGrad()) NumBatchesTracked.AddInPlace(1L);
            // momentum None means a cumulative moving average: weight 1 / batches seen.
            if (Momentum is null) momentum = 1.0 / NumBatchesTracked.ItemInt();
        }
        if (synchronised) return SyncBatchNorm.Apply(SyncGroup!, input, Weight, Bias, RunningMean, RunningVar, momentum, Eps);
        return F.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, Training, momentum, Eps);
    }

    /// <summary>Files from before PyTorch 0.4.1 have no num_batches_tracked; PyTorch then starts it at 0.</summary>
    protected override bool MayBeAbsentFromStateDict(string localName) => localName == "num_batches_tracked";

}
