using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// nn.Dropout2d for the heads: zeroes whole channels with probability p in training, identity in eval.
/// It has no parameters but holds its index in the official Sequentials, so the names after it match.
/// (Kept here rather than in the binding's nn folder, where another branch adds a Dropout2d; the two behave alike.)
/// </summary>
internal sealed class ChannelDropout : Module<Tensor, Tensor>
{
    public double P { get; }

    public ChannelDropout(double p)
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        P = p;
    }

    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training);
}
