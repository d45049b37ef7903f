namespace SemiSeg.Torch.nn;

/// <summary>Weight initialisations (torch.nn.init), drawing from an optional seeded generator.</summary>
public static class Init
{
    /// <summary>
    /// PyTorch's default for conv and linear weights: kaiming_uniform_(a=sqrt(5)), that is
    /// U(-b, b) with b = sqrt(3) * gain / sqrt(fan_in), gain = sqrt(2 / (1 + a^2)): about 1 / sqrt(fan_in).
    /// The bound is computed in PyTorch's order of operations so the same seed gives the same bits.
    /// </summary>
    public static void KaimingUniformLinearDefault(Tensor weight, long fanIn, Generator? generator = null)
    {
        if (fanIn <= 0) throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, "cannot initialise a tensor with no inputs");
        var negativeSlope = Math.Sqrt(5);
        var gain = Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope));
        var bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
        using (Torch.NoGrad()) Torch.UniformInPlace(weight, -bound, bound, generator);
    }

    /// <summary>PyTorch's default bias for conv and linear layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).</summary>
    public static void BiasUniformDefault(Tensor bias, long fanIn, Generator? generator = null)
    {
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        using (Torch.NoGrad()) Torch.UniformInPlace(bias, -bound, bound, generator);
    }

    /// <summary>kaiming_normal_(mode="fan_out", nonlinearity="relu"), as torchvision's ResNet uses: N(0, sqrt(2 / fan_out)).</summary>
    public static void KaimingNormalFanOut(Tensor weight, Generator? generator = null)
    {
        var shape = weight.Shape;
        var receptive = shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        var fanOut = shape[0] * receptive;
        using (Torch.NoGrad()) Torch.NormalInPlace(weight, 0, Math.Sqrt(2.0 / fanOut), generator);
    }

    public static void Constant(Tensor tensor, double value)
    {
        using (Torch.NoGrad()) tensor.FillInPlace(value);
    }
}
