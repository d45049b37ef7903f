namespace SemiSeg.Data;

/// <summary>U2PL's strong augmentations of unlabelled batches (trainer.unsupervised.apply_aug).</summary>
public enum MixMode
{
    /// <summary>A box covering half the image is blanked: image and confidence 0, pseudo-label ignore.</summary>
    CutOut,
    /// <summary>A box covering half the image is replaced by the next sample's content.</summary>
    CutMix,
    /// <summary>Half of the classes present in a sample's pseudo-label keep it; the other pixels come from the next sample.</summary>
    ClassMix,
}
