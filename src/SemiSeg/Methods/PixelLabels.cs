namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>Label-map conventions shared by the losses: the ignore value and the one-hot layout.</summary>
public static class PixelLabels
{
    /// <summary>Pixels labelled with this value carry no supervision (VOC borders, cutout regions).</summary>
    public const long IgnoreIndex = 255;

    /// <summary>
    /// (B, H, W) int64 labels to a (B, C, H, W) float one-hot map whose ignored pixels are all zero,
    /// as the official label_onehot.
    /// </summary>
    public static Tensor OneHot(Tensor labels, long numClasses)
    {
        using var scope = Torch.NewDisposeScope();
        var ignored = labels.Eq(IgnoreIndex);
        var safe = labels.MaskedFill(ignored, 0);
        var oneHot = F.OneHot(safe, numClasses).Permute(0, 3, 1, 2).Float();   // (B, C, H, W)
        var kept = ignored.LogicalNot().Unsqueeze(1).Float();
        return scope.MoveToOuter((oneHot * kept).Contiguous());
    }

    /// <summary>
    /// The one-hot map the official label_onehot (u2pl/utils/utils.py:50-59, commit ab3d2be) returns
    /// for one half of a replica's batch. It scatters into a (C, B, H, W) tensor along dim 0 with a
    /// (B, 1, H, W) index, so every image's class lands in image 0's slot: image 0 gets, at each pixel,
    /// the union of all B images' classes (an ignored pixel of image i > 0 contributing class 0), zeroed
    /// where image 0 itself is ignored; images 1..B-1 get no class at all. With one image per half it
    /// equals <see cref="OneHot"/>. Resizing first gives the official resize of this map (nearest
    /// interpolation picks the same source pixel for every channel and image).
    /// </summary>
    public static Tensor OfficialOneHot(Tensor labels, long numClasses)
    {
        using var scope = Torch.NewDisposeScope();
        var ignored = labels.Eq(IgnoreIndex);
        var safe = labels.MaskedFill(ignored, 0);
        var union = F.OneHot(safe, numClasses).Sum(0).Gt(0).Permute(2, 0, 1).Float();     // (C, H, W)
        var first = union * ignored.Select(0, 0).LogicalNot().Unsqueeze(0).Float();      // image 0's ignored pixels zeroed
        var result = OneHotShape(labels, numClasses);                                     // (B, C, H, W) zeros
        result.Select(0, 0).CopyInPlace(first);
        return scope.MoveToOuter(result);
    }

    private static Tensor OneHotShape(Tensor labels, long numClasses) =>
        Torch.Zeros(new[] { labels.Size(0), numClasses, labels.Size(1), labels.Size(2) }, ScalarType.Float32, labels.Device);

    /// <summary>
    /// Nearest-neighbour resize of a (B, H, W) label or mask map to (B, height, width), keeping its dtype.
    /// Resizing before one-hot encoding gives the same map as the official one-hot-then-resize,
    /// because nearest interpolation picks the same source pixel for every channel.
    /// </summary>
    public static Tensor ResizeNearest(Tensor map, long height, long width)
    {
        using var scope = Torch.NewDisposeScope();
        var dtype = map.Dtype;
        var resized = F.Interpolate(map.Unsqueeze(1).To(ScalarType.Float32), height, width, InterpolationMode.Nearest).Squeeze(1);
        return scope.MoveToOuter(resized.To(dtype));
    }
}
