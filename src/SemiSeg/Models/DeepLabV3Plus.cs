using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// The DeepLabv3+ decoder with U2PL's representation head (Chen et al. 2018; U2PL section 3, official
/// dec_deeplabv3_plus): ASPP over stage 4, projected by "head" and upsampled to stage 1's size, is
/// concatenated with a 1x1 reduction of stage 1 ("low_conv"); from that fused map, "classifier" gives
/// the logits and "representation" the embedding for the contrastive loss. Both run at stride 4.
/// </summary>
public sealed class DeepLabV3Plus : SegmentationDecoder
{
    private readonly Sequential lowConv;
    private readonly Aspp aspp;
    private readonly Sequential head;
    private readonly Sequential classifier;
    private readonly Sequential? representation;

    public override long NumClasses { get; }
    public override long RepresentationChannels { get; }

    /// <param name="inChannels">Stage-4 channels (2048 for ResNet-101).</param>
    /// <param name="lowLevelChannels">Stage-1 channels (256 for ResNet-101).</param>
    /// <param name="asppChannels">Width of each ASPP branch (official inner_planes).</param>
    /// <param name="headChannels">Width of low_conv, head and the hidden layers of classifier and representation (256 officially).</param>
    /// <param name="representationChannels">Dimension of the representation (256 officially).</param>
    public DeepLabV3Plus(long inChannels, long lowLevelChannels, long numClasses, long asppChannels = 256, long headChannels = 256,
                         long representationChannels = 256, IReadOnlyList<long>? dilations = null, bool representationHead = true,
                         double dropout = 0.1, Generator? generator = null)
    {
        NumClasses = numClasses;
        lowConv = RegisterModule("low_conv", new Sequential(
            new Conv2d(lowLevelChannels, headChannels, 1, generator: generator), new BatchNorm2d(headChannels), new ReLU()));
        aspp = RegisterModule("aspp", new Aspp(inChannels, asppChannels, dilations, generator));
        head = RegisterModule("head", ConvHeads.AsppProjection(aspp.OutChannels, headChannels, dropout, generator));
        classifier = RegisterModule("classifier", ConvHeads.TwoConvHead(2 * headChannels, headChannels, numClasses, dropout, generator));
        if (representationHead)
        {
            representation = RegisterModule("representation",
                ConvHeads.TwoConvHead(2 * headChannels, headChannels, representationChannels, dropout, generator));
            RepresentationChannels = representationChannels;
        }
    }

    public override SegmentationOutput Forward(StageFeatures features)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var low = lowConv.Forward(features.Stage1);                          // (N, head, H/4, W/4)
        var high = head.Forward(aspp.Forward(features.Stage4));             // (N, head, H/os, W/os)
        high = F.Interpolate(high, low.Size(2), low.Size(3), InterpolationMode.Bilinear, alignCorners: true);
        var fused = Torch.Torch.Cat(new[] { low, high }, 1);                // (N, 2 head, H/4, W/4)
        var prediction = classifier.Forward(fused);                          // (N, classes, H/4, W/4)
        var embedding = representation?.Forward(fused);                      // (N, rep, H/4, W/4)
        return new SegmentationOutput(scope.MoveToOuter(prediction), embedding is null ? null : scope.MoveToOuter(embedding));
    }
}
