namespace SemiSeg.Torch.optim;

/// <summary>
/// Stochastic gradient descent with momentum and weight decay, step for step as torch.optim.SGD
/// (dampening 0, nesterov off): g = grad + wd * p; buf = momentum * buf + g (buf = g at the
/// first step); p -= lr * buf. Momentum buffers belong to the optimizer and are freed with it.
/// </summary>
public sealed partial class SGD : IDisposable
{
    private readonly Dictionary<Tensor, Tensor> momentumBuffers = new(ReferenceEqualityComparer.Instance);

    public SGD(IEnumerable<ParamGroup> groups, double momentum = 0, double weightDecay = 0)
    {
        Groups = groups.ToList();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in Groups.SelectMany(g => g.Parameters))
            if (!seen.Add(p)) throw new ArgumentException($"a parameter appears in more than one param group: {p}");
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be >= 0");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double weightDecay = 0)
        : this(new[] { new ParamGroup(parameters, lr) }, momentum, weightDecay) { }

    public IReadOnlyList<ParamGroup> Groups { get; }
    public double Momentum { get; }
    public double WeightDecay { get; }

    public void ZeroGrad()
    {
        foreach (var group in Groups)
            foreach (var p in group.Parameters) p.Grad = null;
    }

    public void Step()
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        foreach (var group in Groups)
        {
            var weightDecay = group.WeightDecay ?? WeightDecay;
            foreach (var p in group.Parameters)
            {
                var grad = p.Grad;
                if (grad is null) continue;
                var direction = weightDecay != 0 ? grad.Add(p, weightDecay) : grad;
                if (Momentum != 0)
                {
                    if (momentumBuffers.TryGetValue(p, out var buffer))
                        buffer.MulInPlace(Momentum).AddInPlace(direction);
                    else
                        momentumBuffers[p] = buffer = direction.Clone().DetachFromDisposeScope();
                    direction = buffer;
                }
                p.AddInPlace(direction, -group.LearningRate);
            }
        }
    }

    /// <summary>The momentum buffer of a parameter, or null before its first step (for checkpoints).</summary>
    public Tensor? MomentumBuffer(Tensor parameter) => momentumBuffers.GetValueOrDefault(parameter);

    /// <summary>Installs a momentum buffer (a copy in the parameter's dtype and device), as when resuming from a checkpoint.</summary>
    public void SetMomentumBuffer(Tensor parameter, Tensor buffer)
    {
        if (!buffer.Shape.SequenceEqual(parameter.Shape))
            throw new ArgumentException($"a momentum buffer of shape [{string.Join(", ", buffer.Shape)}] does not fit a parameter of shape [{string.Join(", ", parameter.Shape)}]");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var copy = buffer.Detach().To(parameter.Device, parameter.Dtype).Clone().DetachFromDisposeScope();
        if (momentumBuffers.Remove(parameter, out var old)) old.Dispose();
        momentumBuffers[parameter] = copy;
    }

    public void Dispose()
    {
        foreach (var buffer in momentumBuffers.Values) buffer.Dispose();
        momentumBuffers.Clear();
    }
}
