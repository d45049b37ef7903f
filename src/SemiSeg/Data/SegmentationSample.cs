using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>A decoded sample: an RGB image and its label image of class indices (255 = ignore), same size.</summary>
public sealed record SegmentationSample(string Id, ByteImage Image, ByteImage Label);
