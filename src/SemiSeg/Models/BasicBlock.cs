using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// ResNet-18/34's residual block: two 3x3 convs with batch norm, plus the input (He et al. 2016).
/// torchvision and the official U2PL code refuse dilation here; we dilate both 3x3 convs, which is
/// what replacing a stride by dilation means for every conv after it, so ResNet-18/34 can run at
/// output stride 8 or 16.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inChannels, long planes, long stride = 1, long dilation = 1, Sequential? downsample = null, Generator? generator = null)
    {
        conv1 = RegisterModule("conv1", new Conv2d(inChannels, planes, 3, stride, dilation, dilation, bias: false, generator: generator));
        bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, dilation, dilation, bias: false, generator: generator));
        bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (downsample is not null) this.downsample = RegisterModule("downsample", downsample);
    }

    /// <summary>The norm closing the residual branch; zero-initialising its scale makes the block start as the identity.</summary>
    public BatchNorm2d LastNorm => bn2;

    public override Tensor Forward(Tensor input)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var residual = F.Relu(bn1.Forward(conv1.Forward(input)));
        residual = bn2.Forward(conv2.Forward(residual));
        var identity = downsample is null ? input : downsample.Forward(input);
        return scope.MoveToOuter(F.Relu(residual + identity));
    }
}
