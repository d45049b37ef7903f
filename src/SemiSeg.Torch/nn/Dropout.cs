namespace SemiSeg.Torch.nn;

/// <summary>
/// Zeroes each element with probability p in training and scales the rest by 1 / (1 - p)
/// (nn.Dropout); the identity in eval. With a generator the mask is drawn from it, exactly as
/// ATen's dropout draws from the default generator, so a seeded run repeats.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly Generator? generator;

    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        P = p;
        this.generator = generator;
    }

    public double P { get; }

    public override Tensor Forward(Tensor input) =>
        generator is null ? F.Dropout(input, P, Training) : DropoutMask.Apply(input, P, Training, generator, input.Shape);
}
