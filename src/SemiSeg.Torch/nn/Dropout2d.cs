namespace SemiSeg.Torch.nn;

/// <summary>
/// Zeroes whole channels of (N, C, H, W) input with probability p in training and scales the
/// rest by 1 / (1 - p) (nn.Dropout2d); the identity in eval. With a generator the channel mask
/// is drawn from it, exactly as ATen's feature_dropout draws from the default generator.
/// </summary>
public sealed class Dropout2d : Module<Tensor, Tensor>
{
    private readonly Generator? generator;

    public Dropout2d(double p = 0.5, Generator? generator = null)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        P = p;
        this.generator = generator;
    }

    public double P { get; }

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 4) throw new ArgumentException($"Dropout2d expects (N, C, H, W) input, got {input}");
        if (generator is null) return F.Dropout2d(input, P, Training);
        var shape = input.Shape;
        return DropoutMask.Apply(input, P, Training, generator, new[] { shape[0], shape[1], 1L, 1L });
    }
}
