namespace SemiSeg.Models;

/// <summary>
/// What a segmentation network returns, at the decoder's resolution (stride 4 for DeepLabv3+):
/// per-class logits (N, classes, h, w); the representation (N, d, h, w) that U2PL's contrastive loss
/// uses, when the decoder has a representation head; and the auxiliary head's logits on stage 3 when
/// it is on. The training step upsamples them to the label size. Disposing releases all of them.
/// </summary>
public sealed record SegmentationOutput(Tensor Prediction, Tensor? Representation = null, Tensor? Auxiliary = null) : IDisposable
{
    public void Dispose()
    {
        Prediction.Dispose();
        Representation?.Dispose();
        Auxiliary?.Dispose();
    }
}
