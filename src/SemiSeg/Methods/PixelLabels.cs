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
