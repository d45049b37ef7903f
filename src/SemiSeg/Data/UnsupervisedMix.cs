namespace SemiSeg.Data;

/// <summary>
/// U2PL's generate_unsup_data as batched tensor ops: one mask per sample mixes the image, the
/// pseudo-label and the confidence together, so the three stay consistent pixel by pixel. Sample
/// i mixes with sample (i + 1) mod B, as in U2PL. Every random draw uses the given generator.
/// </summary>
public static class UnsupervisedMix
{
    /// <param name="image">(B, C, H, W) float</param>
    /// <param name="pseudoLabel">(B, H, W) int64</param>
    /// <param name="confidence">(B, H, W) float (the teacher's max probability)</param>
    public static (Tensor Image, Tensor PseudoLabel, Tensor Confidence) Apply(
        Tensor image, Tensor pseudoLabel, Tensor confidence, MixMode mode, Generator generator)
    {
        var shape = image.Shape;
        if (shape.Length != 4 || !pseudoLabel.Shape.SequenceEqual(new[] { shape[0], shape[2], shape[3] })
            || !confidence.Shape.SequenceEqual(pseudoLabel.Shape))
            throw new ArgumentException($"expected image (B,C,H,W) with label and confidence (B,H,W); got {image}, {pseudoLabel}, {confidence}");
        long batch = shape[0], height = shape[2], width = shape[3];
        using var scope = Torch.Torch.NewDisposeScope();
        // The draws come from the CPU generator (the official order); the masks then go where the batch is.
        var keep = (mode == MixMode.ClassMix ? ClassMask(pseudoLabel, generator) : BoxKeepMask(batch, height, width, generator))
            .To(image.Device);
        var keepBool = keep.Gt(0.5);
        Tensor mixedImage, mixedLabel, mixedConfidence;
        if (mode == MixMode.CutOut)
        {
            mixedImage = image * keep.Unsqueeze(1);
            mixedLabel = pseudoLabel.MaskedFill(keepBool.LogicalNot(), LabelImage.IgnoreIndex);
            mixedConfidence = confidence * keep;
        }
        else
        {
            var next = Torch.Torch.Cat(new[] { Torch.Torch.Arange(1, batch, device: image.Device), Torch.Torch.Zeros(new long[] { 1 }, ScalarType.Int64, image.Device) });
            var keep4 = keep.Unsqueeze(1);
            mixedImage = image * keep4 + image.IndexSelect(0, next) * (1.0 - keep4);
            mixedLabel = Torch.Torch.Where(keepBool, pseudoLabel, pseudoLabel.IndexSelect(0, next));
            mixedConfidence = confidence * keep + confidence.IndexSelect(0, next) * (1.0 - keep);
        }
        return (scope.MoveToOuter(mixedImage), scope.MoveToOuter(mixedLabel), scope.MoveToOuter(mixedConfidence));
    }

    /// <summary>
    /// generate_cutout_mask per sample, (B, H, W) float: 0 inside a box of area H*W/ratio, 1 outside.
    /// The box width is drawn in [W/ratio + 1, W), its height is round(area / width), its corner uniform.
    /// </summary>
    public static Tensor BoxKeepMask(long batch, long height, long width, Generator generator, int ratio = 2)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var draws = Torch.Torch.Rand(new[] { batch, 3 }, generator, ScalarType.Float64).ToArray<double>();
        var boxes = new long[4 * batch];
        var area = (double)height * width / ratio;
        var low = (long)(width / (double)ratio + 1);
        for (var i = 0; i < batch; i++)
        {
            var w = Math.Min(low + (long)(draws[3 * i] * (width - low)), width - 1);
            var h = (long)Math.Round(area / w, MidpointRounding.ToEven);   // np.round rounds half to even
            var x0 = (long)(draws[3 * i + 1] * (width - w + 1));
            var y0 = (long)(draws[3 * i + 2] * (height - h + 1));
            boxes[4 * i] = y0; boxes[4 * i + 1] = y0 + h; boxes[4 * i + 2] = x0; boxes[4 * i + 3] = x0 + w;
        }
        var b = Tensor.From(boxes, batch, 4, 1, 1);
        var rows = Torch.Torch.Arange(height).View(1, height, 1);
        var cols = Torch.Torch.Arange(width).View(1, 1, width);
        var inside = rows.Ge(b.Select(1, 0)) & rows.Lt(b.Select(1, 1)) & cols.Ge(b.Select(1, 2)) & cols.Lt(b.Select(1, 3));
        return scope.MoveToOuter(inside.LogicalNot().Float());
    }

    /// <summary>
    /// generate_class_mask per sample, (B, H, W) float: 1 where the label is one of floor(n/2) classes
    /// chosen uniformly from the n values present in that sample (255 counts as a value, as in U2PL).
    /// </summary>
    public static Tensor ClassMask(Tensor labels, Generator generator)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var shape = labels.Shape;
        long batch = shape[0];
        var flat = labels.Reshape(batch, -1);
        var present = Torch.Torch.Zeros(new[] { batch, 256L }, device: labels.Device).Scatter(1, flat, 1.0);
        var count = present.Sum(1, keepDim: true);
        // Random keys for present values, 2 (above any key) for absent ones; a value is chosen when
        // its key ranks among the first floor(n/2) of its sample.
        var keys = Torch.Torch.Where(present.Gt(0), Torch.Torch.Rand(new[] { batch, 256L }, generator).To(labels.Device), 2.0);
        var rank = keys.Argsort(1).Argsort(1);
        var chosen = rank.Lt((count / 2).Floor()).Float();
        return scope.MoveToOuter(chosen.Gather(1, flat).Reshape(shape));
    }
}
