namespace SemiSeg.Data;

/// <summary>
/// One sample ready for batching: the normalised image as C x H x W floats, the label as H x W
/// bytes (255 = ignore), and for unlabelled samples with iMAS's intensity augmentation the
/// strongly augmented image on the same geometry.
/// </summary>
public sealed record AugmentedSample(string Id, int Height, int Width, float[] Image, byte[] Label, float[]? StrongImage = null);
