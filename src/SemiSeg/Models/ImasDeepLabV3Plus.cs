using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// iMAS's DeepLabv3+ decoder (official imas/models/decoder.py:8-80, dec_deeplabv3_plus), the common
/// DeepLabv3+ rather than U2PL's: stage 1 reduced by a 1x1 conv to low_conv_planes (48) channels;
/// ASPP over stage 4 projected by a bias-free 1x1 conv ("head"), upsampled to stage 1's size and
/// concatenated after the reduction; "classifier" is two bias-free 3x3 conv-BN-ReLU blocks and a 1x1
/// conv to the classes. No dropout, no representation head. Names follow the official modules, so an
/// official iMAS state dict maps key for key.
/// </summary>
public sealed class ImasDeepLabV3Plus : SegmentationDecoder
{
    private readonly Sequential lowConv;
    private readonly Aspp aspp;
    private readonly Sequential head;
    private readonly Sequential classifier;

    public override long NumClasses { get; }
    public override long RepresentationChannels => 0;

    /// <param name="inChannels">Stage-4 channels (2048 for ResNet-101).</param>
    /// <param name="lowLevelChannels">Stage-1 channels (256 for ResNet-50/101, which the official code assumes).</param>
    /// <param name="asppChannels">Width of each ASPP branch (official inner_planes).</param>
    /// <param name="headChannels">Width of head and the classifier's hidden layers (256 officially; ours head_planes).</param>
    /// <param name="lowConvChannels">Official low_conv_planes.</param>
    public ImasDeepLabV3Plus(long inChannels, long lowLevelChannels, long numClasses, long asppChannels = 256, long headChannels = 256,
                             long lowConvChannels = DecoderConfig.ImasLowConvPlanes, IReadOnlyList<long>? dilations = null, Generator? generator = null)
    {
        NumClasses = numClasses;
        lowConv = RegisterModule("low_conv", new Sequential(
            new Conv2d(lowLevelChannels, lowConvChannels, 1, generator: generator), new BatchNorm2d(lowConvChannels), new ReLU()));
        aspp = RegisterModule("aspp", new Aspp(inChannels, asppChannels, dilations, generator));
        head = RegisterModule("head", new Sequential(
            new Conv2d(aspp.OutChannels, headChannels, 1, bias: false, generator: generator), new BatchNorm2d(headChannels), new ReLU()));
        classifier = RegisterModule("classifier", new Sequential(
            new Conv2d(headChannels + lowConvChannels, headChannels, 3, 1, 1, bias: false, generator: generator), new BatchNorm2d(headChannels), new ReLU(),
            new Conv2d(headChannels, headChannels, 3, 1, 1, bias: false, generator: generator), new BatchNorm2d(headChannels), new ReLU(),
            new Conv2d(headChannels, numClasses, 1, generator: generator)));
    }

    public override SegmentationOutput Forward(StageFeatures features)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var high = head.Forward(aspp.Forward(features.Stage4));             // (N, head, H/os, W/os)
        var low = lowConv.Forward(features.Stage1);                          // (N, low_conv, H/4, W/4)
        high = F.Interpolate(high, low.Size(2), low.Size(3), InterpolationMode.Bilinear, alignCorners: true);
        var fused = Torch.Torch.Cat(new[] { low, high }, 1);                // (N, low_conv + head, H/4, W/4)
        return new SegmentationOutput(scope.MoveToOuter(classifier.Forward(fused)));
    }
}
