namespace SemiSeg.Torch.optim;

/// <summary>A set of parameters sharing one learning rate and weight decay (a PyTorch param group).</summary>
public sealed class ParamGroup
{
    public ParamGroup(IEnumerable<Tensor> parameters, double lr, double? weightDecay = null)
    {
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "learning rate must be >= 0");
        Parameters = parameters.ToList();
        LearningRate = InitialLearningRate = lr;
        WeightDecay = weightDecay;
    }

    public IReadOnlyList<Tensor> Parameters { get; }
    public double LearningRate { get; set; }
    /// <summary>The learning rate the group started with; schedules scale from it (PyTorch's "initial_lr").</summary>
    public double InitialLearningRate { get; set; }
    /// <summary>Null takes the optimizer's weight decay.</summary>
    public double? WeightDecay { get; set; }
}
