using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// The plain DeepLabv3 decoder (Chen et al. 2017; official dec_deeplabv3): ASPP over stage 4, one
/// 3x3 conv-BN-ReLU-dropout and a 1x1 classifier, at the encoder's output stride. No representation.
/// </summary>
public sealed class DeepLabV3 : SegmentationDecoder
{
    private readonly Aspp aspp;
    private readonly Sequential head;

    public override long NumClasses { get; }
    public override long RepresentationChannels => 0;

    public DeepLabV3(long inChannels, long numClasses, long asppChannels = 256, long headChannels = 256,
                     IReadOnlyList<long>? dilations = null, double dropout = 0.1, Generator? generator = null)
    {
        NumClasses = numClasses;
        aspp = RegisterModule("aspp", new Aspp(inChannels, asppChannels, dilations, generator));
        head = RegisterModule("head", ConvHeads.AsppProjection(aspp.OutChannels, headChannels, dropout, generator)
            .Append(new Conv2d(headChannels, numClasses, 1, generator: generator)));
    }

    public override SegmentationOutput Forward(StageFeatures features)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        return new SegmentationOutput(scope.MoveToOuter(head.Forward(aspp.Forward(features.Stage4))));
    }
}
