namespace SemiSeg.Torch.nn;

/// <summary>max(0, x) (nn.ReLU); no state.</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => F.Relu(input);
}
