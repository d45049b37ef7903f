using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// ResNet-50/101's residual block: 1x1 reduce, 3x3 (strided or dilated), 1x1 expand by 4, plus the
/// input (He et al. 2016; torchvision's "ResNet v1.5" places the stride on the 3x3 conv, as U2PL does).
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    public Bottleneck(long inChannels, long planes, long stride = 1, long dilation = 1, Sequential? downsample = null, Generator? generator = null)
    {
        conv1 = RegisterModule("conv1", new Conv2d(inChannels, planes, 1, bias: false, generator: generator));
        bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, stride, dilation, dilation, bias: false, generator: generator));
        bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        conv3 = RegisterModule("conv3", new Conv2d(planes, planes * Expansion, 1, bias: false, generator: generator));
        bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        if (downsample is not null) this.downsample = RegisterModule("downsample", downsample);
    }

    /// <summary>The norm closing the residual branch; zero-initialising its scale makes the block start as the identity.</summary>
    public BatchNorm2d LastNorm => bn3;

    public override Tensor Forward(Tensor input)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var residual = F.Relu(bn1.Forward(conv1.Forward(input)));       // (N, planes, H, W)
        residual = F.Relu(bn2.Forward(conv2.Forward(residual)));        // (N, planes, H/s, W/s)
        residual = bn3.Forward(conv3.Forward(residual));                // (N, 4 planes, H/s, W/s)
        var identity = downsample is null ? input : downsample.Forward(input);
        return scope.MoveToOuter(F.Relu(residual + identity));
    }
}
