namespace SemiSeg.Models;

/// <summary>A decoder head: turns the encoder's stage outputs into logits (and, for U2PL, a representation).</summary>
public abstract class SegmentationDecoder : Torch.nn.Module<StageFeatures, SegmentationOutput>
{
    public abstract long NumClasses { get; }

    /// <summary>Channels of the representation, or 0 when the decoder has no representation head.</summary>
    public abstract long RepresentationChannels { get; }
}
