using SemiSeg.Torch.Serialization;

namespace SemiSeg.Torch.optim;

/// <summary>
/// Dynamic loss scaling for fp16 training, as torch.cuda.amp.GradScaler with its defaults: the loss is
/// multiplied by the scale (initially 2^16) before backward; <see cref="Step"/> divides the gradients
/// by it and skips the optimizer step when any gradient is inf or NaN; <see cref="Update"/> then halves
/// the scale after a skipped step (backoff 0.5) and doubles it after 2,000 good steps in a row (growth
/// 2, interval 2,000). On CUDA tensors it calls libtorch's own kernels
/// (<c>_amp_foreach_non_finite_check_and_unscale_</c>, <c>_amp_update_scale_</c>, as GradScaler does);
/// libtorch 1.13 has no CPU kernels for them, so elsewhere the same logic runs as ordinary tensor ops
/// (aten/src/ATen/native/cuda/AmpKernels.cu). The scale and the growth tracker are tensors on the
/// loss's device, owned here; <see cref="StateDict"/> holds GradScaler's keys for checkpoints.
/// </summary>
public sealed class GradScaler : IDisposable
{
    private static readonly Op IsFinite = new("aten::isfinite");
    private static readonly Op ForeachNonFiniteCheckAndUnscale = new("aten::_amp_foreach_non_finite_check_and_unscale_");
    private static readonly Op UpdateScaleKernel = new("aten::_amp_update_scale_");
    private static readonly Op MulInPlace = new("aten::mul_", "Tensor");

    private readonly double initScale;
    private Tensor? scale;          // (1,) float32
    private Tensor? growthTracker;  // (1,) int32: good steps in a row since the last change
    private Tensor? foundInf;       // (1,) float32 of the last Step, 1 when a gradient was not finite
    private bool unscaled;

    public GradScaler(double initScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        if (initScale <= 0 || !double.IsFinite(initScale)) throw new ArgumentOutOfRangeException(nameof(initScale), initScale, "the initial scale must be positive and finite");
        if (growthFactor <= 1) throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "the growth factor must be > 1");
        if (backoffFactor is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "the backoff factor must be in (0, 1)");
        if (growthInterval < 1) throw new ArgumentOutOfRangeException(nameof(growthInterval), growthInterval, "the growth interval must be >= 1");
        this.initScale = initScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    public double GrowthFactor { get; }
    public double BackoffFactor { get; }
    public int GrowthInterval { get; }

    /// <summary>Optimizer steps skipped for a non-finite gradient since this scaler was made.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>The current scale (a host read); the initial one before the first <see cref="Scale"/>.</summary>
    public double CurrentScale => scale?.Item() ?? initScale;

    /// <summary>Good steps in a row counted towards the next growth (a host read).</summary>
    public long GrowthTracker => growthTracker?.ItemInt() ?? 0;

    /// <summary>The loss times the scale: call Backward on this instead of the loss.</summary>
    public Tensor Scale(Tensor loss)
    {
        EnsureState(loss.Device);
        return loss * scale!;
    }

    /// <summary>
    /// Divides every gradient by the scale in place and records whether any was inf or NaN (once per
    /// step: <see cref="Step"/> calls it when the caller did not, for example to clip gradients first).
    /// </summary>
    public void Unscale(IEnumerable<Tensor> parameters)
    {
        if (unscaled) throw new InvalidOperationException("Unscale was already called since the last Update");
        if (scale is null) throw new InvalidOperationException("Unscale before Scale: no loss was scaled");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        // As GradScaler: the reciprocal in double, then float32.
        var invScale = scale.To(ScalarType.Float64).Reciprocal().To(ScalarType.Float32);
        var found = Torch.Zeros(new long[] { 1 }, device: scale.Device);
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToArray();
        if (grads.Length > 0 && scale.Device.Type == DeviceType.CUDA)
            foreach (var group in grads.GroupBy(g => g.Dtype))
                ForeachNonFiniteCheckAndUnscale.CallInPlace(group.ToArray(), found, invScale);
        else if (grads.Length > 0)
        {
            // found_inf = 1 when some element is not finite; every gradient is multiplied by inv_scale.
            var nonFinite = Torch.Stack(grads.Select(g => IsFinite.Call(g).All().LogicalNot()));
            found = nonFinite.Any().To(ScalarType.Float32).Reshape(1);
            foreach (var g in grads) MulInPlace.CallInPlace(g, invScale);
        }
        foundInf?.Dispose();
        foundInf = found.DetachFromDisposeScope();
        unscaled = true;
    }

    /// <summary>
    /// Unscales (unless done) and runs the optimizer step when every gradient is finite; returns whether
    /// it stepped. A skipped step leaves the weights and the momentum untouched. One host read.
    /// </summary>
    public bool Step(SGD optimizer)
    {
        if (!unscaled) Unscale(optimizer.Groups.SelectMany(g => g.Parameters));
        if (foundInf!.Item() != 0)
        {
            SkippedSteps++;
            return false;
        }
        optimizer.Step();
        return true;
    }

    /// <summary>Backs the scale off after a skipped step, grows it after GrowthInterval good ones.</summary>
    public void Update()
    {
        if (!unscaled) throw new InvalidOperationException("Update before Step: no gradients were checked since the last Update");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        if (scale!.Device.Type == DeviceType.CUDA)
            UpdateScaleKernel.CallInPlace(scale, growthTracker!, foundInf!, GrowthFactor, BackoffFactor, (long)GrowthInterval);
        else
            UpdateWithTensorOps();
        unscaled = false;
    }

    /// <summary>_amp_update_scale_cuda_kernel's logic; the caller owns the dispose scope.</summary>
    private void UpdateWithTensorOps()
    {
        var found = foundInf!.Gt(0);
        var successful = growthTracker! + 1L;
        var grows = found.LogicalNot() & successful.Eq(GrowthInterval);
        // float32 times the double factor, as the kernel's static_cast<float>(scale * growth_factor)
        var grown = (scale!.To(ScalarType.Float64) * GrowthFactor).To(ScalarType.Float32);
        var backedOff = (scale.To(ScalarType.Float64) * BackoffFactor).To(ScalarType.Float32);
        var keepGrown = grows & IsFinite.Call(grown); // a grown scale that overflows is not taken
        var newScale = Torch.Where(found, backedOff, Torch.Where(keepGrown, grown, scale));
        var newTracker = Torch.Where(found | grows, Torch.ZerosLike(successful), successful);
        scale.CopyInPlace(newScale);
        growthTracker.CopyInPlace(newTracker);
    }

    /// <summary>GradScaler.state_dict(): scale, growth_factor, backoff_factor, growth_interval, _growth_tracker.</summary>
    public TorchDict StateDict()
    {
        var state = new TorchDict();
        state.Set("scale", CurrentScale);
        state.Set("growth_factor", GrowthFactor);
        state.Set("backoff_factor", BackoffFactor);
        state.Set("growth_interval", (long)GrowthInterval);
        state.Set("_growth_tracker", GrowthTracker);
        state.Set("skipped_steps", SkippedSteps); // ours, for the training log after a resume
        return state;
    }

    /// <summary>Restores <see cref="StateDict"/>; the factors and interval must be this scaler's.</summary>
    public void LoadStateDict(TorchDict state, Device device)
    {
        if (state.GetDouble("growth_factor") != GrowthFactor || state.GetDouble("backoff_factor") != BackoffFactor ||
            state.GetInt("growth_interval") != GrowthInterval)
            throw new InvalidDataException("the saved GradScaler has other growth_factor / backoff_factor / growth_interval than this one");
        DisposeState();
        scale = Torch.Full(new long[] { 1 }, state.GetDouble("scale"), ScalarType.Float32, device).DetachFromDisposeScope();
        growthTracker = Torch.Full(new long[] { 1 }, state.GetInt("_growth_tracker"), ScalarType.Int32, device).DetachFromDisposeScope();
        SkippedSteps = state.ContainsKey("skipped_steps") ? state.GetInt("skipped_steps") : 0;
        unscaled = false;
    }

    private void EnsureState(Device device)
    {
        if (scale is not null) return;
        scale = Torch.Full(new long[] { 1 }, initScale, ScalarType.Float32, device).DetachFromDisposeScope();
        growthTracker = Torch.Zeros(new long[] { 1 }, ScalarType.Int32, device).DetachFromDisposeScope();
    }

    private void DisposeState()
    {
        scale?.Dispose();
        growthTracker?.Dispose();
        foundInf?.Dispose();
        scale = growthTracker = foundInf = null;
    }

    public void Dispose() => DisposeState();
}
