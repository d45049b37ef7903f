namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// AEL's confidence bank (Hu et al., NeurIPS 2021, section 3.2, "confidence bank"): a per-class
/// confidence, the momentum average of the student's mean probability of each class over the
/// labelled pixels of that class, as the with_AEL branch computes it:
/// <list type="bullet">
/// <item>start: <c>class_criterion = torch.rand(3, C)</c> from the global generator (train.py:133-136);
/// only row 0 is ever read.</item>
/// <item>each step: <c>class_criterion = m * class_criterion + (1 - m) * cal_category_confidence(...)</c>
/// (train.py:590-602), the new row broadcast to all three rows.</item>
/// <item><c>cal_category_confidence</c> (u2pl/utils/utils.py:540-557): for class c, the mean softmax
/// probability of c over the labelled pixels whose ground truth is c; 0 for a class absent from the
/// batch, so an absent class drifts towards "hard".</item>
/// </list>
/// Owns its tensor; dispose it to free it.
/// </summary>
public sealed class AelConfidenceBank : IDisposable
{
    /// <summary>The official bank's rows (train.py:135: <c>torch.rand(3, C)</c>).</summary>
    public const int Rows = 3;

    private readonly Tensor criterion;   // (3, C) float32

    /// <summary>A bank drawn as the branch draws it: <c>torch.rand(3, C)</c> from <paramref name="generator"/>.</summary>
    public AelConfidenceBank(int numClasses, double momentum, Generator generator, Device? device = null)
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "need at least one class");
        if (momentum is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1]");
        Momentum = momentum;
        using var scope = Torch.NewDisposeScope();
        var drawn = Torch.Rand(new[] { (long)Rows, numClasses }, generator);
        criterion = (device is { } d ? drawn.To(d) : drawn).DetachFromDisposeScope();
    }

    public int NumClasses => (int)criterion.Size(1);

    /// <summary>m of the momentum update (criterion.cons.momentum, dataset.acp.momentum or dataset.train.acm.momentum; 0.999).</summary>
    public double Momentum { get; }

    /// <summary>Row 0, the per-class confidence (C) that every AEL part reads; a new tensor.</summary>
    public Tensor Confidence() => criterion.Select(0, 0).Clone();

    /// <summary>
    /// cal_category_confidence: (C) float32, the mean of softmax(<paramref name="logits"/>)[:, c] over
    /// the pixels where <paramref name="labels"/> == c, 0 where no pixel is c (ignored pixels, 255,
    /// belong to no class). <paramref name="logits"/> (B, C, H, W), <paramref name="labels"/> (B, H, W).
    /// </summary>
    public static Tensor CategoryConfidence(Tensor logits, Tensor labels, int numClasses)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var probabilities = F.Softmax(logits.Detach(), 1);
        var values = new float[numClasses];
        for (var c = 0; c < numClasses; c++)
        {
            var mask = labels.Eq(c);
            var count = mask.Sum().ItemInt();
            if (count == 0) continue;
            var sum = (probabilities.Select(1, c) * mask).Sum();
            values[c] = (float)(sum / (count + 1e-12)).Item();
        }
        return scope.MoveToOuter(Tensor.From(values, numClasses));
    }

    /// <summary>The momentum update with a step's <see cref="CategoryConfidence"/> (C); every row takes it.</summary>
    public void Update(Tensor categoryConfidence)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var blended = criterion * Momentum + categoryConfidence.To(criterion.Device, ScalarType.Float32).Unsqueeze(0) * (1 - Momentum);
        criterion.CopyInPlace(blended);
    }

    /// <summary>The bank (3, C) under the branch's checkpoint key "class_criterion"; a new tensor the caller owns.</summary>
    public Dictionary<string, Tensor> GetState() => new() { ["class_criterion"] = criterion.Clone().DetachFromDisposeScope() };

    public void SetState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("class_criterion", out var saved)) throw new ArgumentException("confidence bank state needs 'class_criterion'");
        if (!saved.Shape.SequenceEqual(criterion.Shape))
            throw new ArgumentException($"class_criterion has shape [{string.Join(", ", saved.Shape)}], expected [{string.Join(", ", criterion.Shape)}]");
        using var noGrad = Torch.NoGrad();
        criterion.CopyInPlace(saved);
    }

    public void Dispose() => criterion.Dispose();
}
