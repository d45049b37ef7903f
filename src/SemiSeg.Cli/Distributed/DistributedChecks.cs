using SemiSeg.Torch;
using SemiSeg.Torch.Distributed;
using SemiSeg.Torch.nn;

namespace SemiSeg.Cli.Distributed;

/// <summary>
/// What `semiseg dist-check` runs on every rank: the collectives on known values, and the
/// Reducer and SyncBatchNorm against one process computing the same thing on the whole batch
/// (each rank recomputes that reference itself from the same seeded draws). Returns named values.
/// </summary>
internal static class DistributedChecks
{
    public static Dictionary<string, double[]> Run(ProcessGroup group)
    {
        var results = new Dictionary<string, double[]>();
        Collectives(group, results);
        Reducer(group, results);
        SyncBatchNormCheck(group, results);
        return results;
    }

    private static void Collectives(ProcessGroup group, Dictionary<string, double[]> results)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var r = group.Rank;
        var sum = Tensor.From(new[] { r + 1.0, 2.0 * (r + 1) + 0.5 }, 2);
        group.AllReduce(sum);
        results["all_reduce_sum"] = sum.ToArray<double>();
        var max = Tensor.From(new[] { (double)r }, 1);
        group.AllReduce(max, ReduceOp.Max);
        results["all_reduce_max"] = max.ToArray<double>();
        var root = group.WorldSize - 1;
        var broadcast = r == root ? Tensor.From(new[] { 7.0, 8.0, 9.0 }, 3) : Torch.Torch.Zeros(new long[] { 3 }, ScalarType.Float64);
        group.Broadcast(broadcast, root);
        results["broadcast"] = broadcast.ToArray<double>();
        // Rank r contributes r + 1 rows of [r, r]: the gather must keep each rank's own row count.
        var rows = Torch.Torch.Full(new long[] { r + 1, 2 }, r, ScalarType.Float64);
        results["all_gather"] = group.AllGather(rows).ToArray<double>();
        // The per-step stop vote of training: true on the last rank only, then on none.
        results["first_rank_with"] = [group.FirstRankWith(r == group.WorldSize - 1) ?? -1, group.FirstRankWith(false) ?? -1];
        group.Barrier();
    }

    // Two layers in use and one the loss never reaches, as U2PL's representation head in warm-up.
    private static (Linear A, Linear B, Linear Unused) Model()
    {
        using var generator = new Generator(7);
        return (new Linear(4, 3, generator: generator), new Linear(3, 2, generator: generator), new Linear(2, 2, generator: generator));
    }

    private static Tensor Loss((Linear A, Linear B, Linear Unused) m, Tensor x, Tensor target)
    {
        var y = m.B.Forward(F.Relu(m.A.Forward(x)));
        return ((y - target) * (y - target)).Mean();
    }

    private static void Reducer(ProcessGroup group, Dictionary<string, double[]> results)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var distributed = Model();
        var single = Model();
        var trained = Parameters(distributed);
        using var reducer = new GradientReducer(group, trained, findUnusedParameters: true);
        var perRank = 3L;
        var worst = 0.0;
        for (var step = 0; step < 2; step++)
        {
            using var data = new Generator(100 + (ulong)step);
            var x = Torch.Torch.Randn(new[] { perRank * group.WorldSize, 4 }, data);
            var target = Torch.Torch.Randn(new[] { perRank * group.WorldSize, 2 }, data);
            foreach (var p in trained.Concat(Parameters(single))) p.Grad = null;
            reducer.PrepareForForward();
            var local = Loss(distributed, x.Slice(0, group.Rank * perRank, (group.Rank + 1) * perRank),
                             target.Slice(0, group.Rank * perRank, (group.Rank + 1) * perRank));
            reducer.PrepareForBackward(local);
            local.Backward();
            Loss(single, x, target).Backward();
            foreach (var (d, s) in trained.Zip(Parameters(single)).Take(4))
                worst = Math.Max(worst, (d.Grad! - s.Grad!).Abs().Max().Item());
        }
        results["reducer_grad_max_abs_diff"] = new[] { worst };
        results["reducer_unused_grad_is_none"] = new[] { distributed.Unused.Weight.Grad is null ? 1.0 : 0.0 };
        results["reducer_first_grad"] = trained[0].Grad!.Flatten().Slice(0, 0, 3).To(ScalarType.Float64).ToArray<double>();
        foreach (var m in new Module[] { distributed.A, distributed.B, distributed.Unused, single.A, single.B, single.Unused }) m.Dispose();
    }

    private static List<Tensor> Parameters((Linear A, Linear B, Linear Unused) m) =>
        m.A.Parameters().Concat(m.B.Parameters()).Concat(m.Unused.Parameters()).ToList();

    private static void SyncBatchNormCheck(ProcessGroup group, Dictionary<string, double[]> results)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var data = new Generator(0);
        var n = 2L * group.WorldSize;
        var x = Torch.Torch.Randn(new[] { n, 3, 5, 5 }, data) * 3 + 1;
        var w = Torch.Torch.Randn(new[] { n, 3, 5, 5 }, data);
        using var synced = NewBatchNorm();
        using var whole = NewBatchNorm();
        SyncBatchNorm.Convert(synced, group);
        var (from, to) = (2L * group.Rank, 2L * group.Rank + 2);
        var xr = x.Slice(0, from, to).Clone().RequiresGrad_();
        var yr = synced.Forward(xr);
        (yr * w.Slice(0, from, to)).Sum().Backward();
        var xf = x.Clone().RequiresGrad_();
        var yf = whole.Forward(xf);
        (yf * w).Sum().Backward();
        var gw = synced.Weight.Grad!;
        var gb = synced.Bias.Grad!;
        group.AllReduce(gw);
        group.AllReduce(gb);
        double Diff(Tensor a, Tensor b) => (a - b).Abs().Max().Item();
        results["sync_bn_output_max_abs_diff"] = new[] { Diff(yr, yf.Slice(0, from, to)) };
        results["sync_bn_grad_input_max_abs_diff"] = new[] { Diff(xr.Grad!, xf.Grad!.Slice(0, from, to)) };
        results["sync_bn_grad_weight_max_abs_diff"] = new[] { Diff(gw, whole.Weight.Grad!) };
        results["sync_bn_grad_bias_max_abs_diff"] = new[] { Diff(gb, whole.Bias.Grad!) };
        results["sync_bn_running_mean_max_abs_diff"] = new[] { Diff(synced.RunningMean, whole.RunningMean) };
        results["sync_bn_running_var_max_abs_diff"] = new[] { Diff(synced.RunningVar, whole.RunningVar) };
        results["sync_bn_running_var"] = synced.RunningVar.To(ScalarType.Float64).ToArray<double>();
    }

    private static BatchNorm2d NewBatchNorm()
    {
        var bn = new BatchNorm2d(3);
        using (Torch.Torch.NoGrad())
        {
            using var weight = Tensor.From(new[] { 1.5f, 0.5f, 2.0f }, 3);
            using var bias = Tensor.From(new[] { 0.1f, -0.2f, 0.3f }, 3);
            bn.Weight.CopyInPlace(weight);
            bn.Bias.CopyInPlace(bias);
        }
        return bn;
    }
}
