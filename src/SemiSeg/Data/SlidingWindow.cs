namespace SemiSeg.Data;

/// <summary>
/// Sliding-window inference as U2PL's eval.py (scale_crop_process): the image is padded evenly to at
/// least the crop size, windows step by ceil(crop * 2/3) with the last one flush with the edge, and
/// overlapping predictions are averaged.
/// </summary>
public static class SlidingWindow
{
    public const double DefaultStrideRate = 2.0 / 3.0;
    private static readonly Op ConstantPad = new("aten::constant_pad_nd");

    /// <summary>Top-left corners of the windows over a (padded) height x width image.</summary>
    public static IReadOnlyList<(int Top, int Left)> Windows(int height, int width, int cropHeight, int cropWidth, double strideRate = DefaultStrideRate)
    {
        if (height < cropHeight || width < cropWidth) throw new ArgumentException($"image {height}x{width} is smaller than the window {cropHeight}x{cropWidth}; pad it first");
        var strideH = (int)Math.Ceiling(cropHeight * strideRate);
        var strideW = (int)Math.Ceiling(cropWidth * strideRate);
        var gridH = (int)Math.Ceiling((double)(height - cropHeight) / strideH) + 1;
        var gridW = (int)Math.Ceiling((double)(width - cropWidth) / strideW) + 1;
        var windows = new List<(int, int)>();
        for (var i = 0; i < gridH; i++)
            for (var j = 0; j < gridW; j++)
                windows.Add((Math.Min(i * strideH + cropHeight, height) - cropHeight, Math.Min(j * strideW + cropWidth, width) - cropWidth));
        return windows;
    }

    /// <summary>
    /// Averages <paramref name="predict"/> over the windows of (B, C, H, W) images; returns (B, K, H, W)
    /// logits. Window outputs of another size are resized bilinearly (align_corners=True, as U2PL).
    /// </summary>
    public static Tensor Predict(Tensor image, int cropHeight, int cropWidth, Func<Tensor, Tensor> predict, double strideRate = DefaultStrideRate)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var shape = image.Shape;
        int height = (int)shape[2], width = (int)shape[3];
        var (top, left) = PairedOps.PadBefore(height, width, cropHeight, cropWidth);
        int padH = Math.Max(cropHeight - height, 0), padW = Math.Max(cropWidth - width, 0);
        var padded = padH > 0 || padW > 0
            ? ConstantPad.Call(image, new long[] { left, padW - left, top, padH - top }, 0.0)
            : image;
        int fullH = height + padH, fullW = width + padW;
        Tensor? sum = null;
        var count = Torch.Torch.Zeros(new long[] { 1, 1, fullH, fullW });
        var ones = Torch.Torch.Ones(new long[] { 1, 1, cropHeight, cropWidth });
        foreach (var (y, x) in Windows(fullH, fullW, cropHeight, cropWidth, strideRate))
        {
            using var window = Torch.Torch.NewDisposeScope();
            var output = predict(padded.Narrow(2, y, cropHeight).Narrow(3, x, cropWidth).Contiguous());
            if (output.Size(2) != cropHeight || output.Size(3) != cropWidth)
                output = F.Interpolate(output, cropHeight, cropWidth, InterpolationMode.Bilinear, alignCorners: true);
            // The class count is known from the first window's output; the sum outlives this window.
            sum ??= window.MoveToOuter(Torch.Torch.Zeros(new[] { shape[0], output.Size(1), fullH, fullW }));
            sum.Narrow(2, y, cropHeight).Narrow(3, x, cropWidth).AddInPlace(output);
            count.Narrow(2, y, cropHeight).Narrow(3, x, cropWidth).AddInPlace(ones);
        }
        return scope.MoveToOuter((sum! / count).Narrow(2, top, height).Narrow(3, left, width).Contiguous());
    }
}
