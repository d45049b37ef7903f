namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// Momentum class centres for the anchor_ema variant of the contrastive loss: the positive of
/// class c becomes (1 - d) centre + d previous, with d = min(1 - 1/iteration, 0.999) as in the
/// official compute_contra_memobank_loss. Unlike the official code (whose call site passes
/// iteration 0, which divides by zero, and which zeroes the centres of classes absent from a
/// batch), a class keeps its centre until it is seen again, and its first centre is taken as is.
/// Owns its tensor; dispose it to free it.
/// </summary>
public sealed class ClassPrototypes : IDisposable
{
    public const double MaxDecay = 0.999;

    private readonly Tensor centres;   // (C, D)
    private readonly bool[] seen;

    public ClassPrototypes(int numClasses, long featureDim, Device? device = null)
    {
        centres = Torch.Zeros(new[] { (long)numClasses, featureDim }, device: device ?? Device.CPU).DetachFromDisposeScope();
        seen = new bool[numClasses];
    }

    public int NumClasses => seen.Length;

    public bool HasCentre(int c) => seen[c];

    /// <summary>Blends the batch centre (D) of class c into its prototype and returns the prototype (a new tensor).</summary>
    public Tensor Update(int c, Tensor centre, long iteration)
    {
        if (c < 0 || c >= seen.Length) throw new ArgumentOutOfRangeException(nameof(c), c, $"class must be in [0, {seen.Length})");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var row = centres.Select(0, c);
        if (!seen[c]) row.CopyInPlace(centre.Detach());
        else row.LerpInPlace(centre.Detach(), 1 - Decay(iteration));
        seen[c] = true;
        return scope.MoveToOuter(row.Clone());
    }

    /// <summary>min(1 - 1/iteration, 0.999); 0 for iteration &lt;= 1.</summary>
    public static double Decay(long iteration) => iteration <= 1 ? 0 : Math.Min(1 - 1.0 / iteration, MaxDecay);

    /// <summary>The centres (C, D) and which classes have one, for a checkpoint; new tensors the caller owns.</summary>
    public Dictionary<string, Tensor> GetState() => new()
    {
        ["centres"] = centres.Clone().DetachFromDisposeScope(),
        ["seen"] = Tensor.From(seen.Select(s => s ? 1L : 0L).ToArray()).DetachFromDisposeScope(),
    };

    public void SetState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("centres", out var saved) || !state.TryGetValue("seen", out var flags))
            throw new ArgumentException("prototype state needs 'centres' and 'seen'");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        centres.CopyInPlace(saved);
        var values = flags.To(ScalarType.Int64).ToArray<long>();
        if (values.Length != seen.Length) throw new ArgumentException($"prototype state has {values.Length} classes, expected {seen.Length}");
        for (var c = 0; c < seen.Length; c++) seen[c] = values[c] != 0;
    }

    public void Dispose() => centres.Dispose();
}
