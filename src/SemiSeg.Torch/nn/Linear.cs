namespace SemiSeg.Torch.nn;

/// <summary>y = x W^T + b (nn.Linear), with PyTorch's default initialisation.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public long InFeatures { get; }
    public long OutFeatures { get; }
    /// <summary>(out, in).</summary>
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    /// <param name="generator">Draws the initial weights; null uses libtorch's default generator (torch.manual_seed).</param>
    public Linear(long inFeatures, long outFeatures, bool bias = true, Generator? generator = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear({inFeatures}, {outFeatures}): feature counts must be positive");
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        // Drawn in PyTorch's order (weight, then bias) so a seeded generator gives PyTorch's numbers.
        Weight = RegisterParameter("weight", Torch.Empty(new[] { outFeatures, inFeatures }));
        Init.KaimingUniformLinearDefault(Weight, inFeatures, generator);
        if (bias)
        {
            Bias = RegisterParameter("bias", Torch.Empty(new[] { outFeatures }));
            Init.BiasUniformDefault(Bias, inFeatures, generator);
        }
        else RegisterAbsentParameter("bias");
    }

    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);
}
