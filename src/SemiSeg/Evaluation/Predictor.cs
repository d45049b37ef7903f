namespace SemiSeg.Evaluation;

/// <summary>
/// Turns a network (image batch to logits at any resolution) into class scores at the image's
/// resolution: bilinear upsampling with align_corners=True as the official evaluation does,
/// optional sliding windows, horizontal flip and multi-scale averaging of softmax scores.
/// </summary>
public sealed class Predictor
{
    private readonly Func<Tensor, Tensor> logits;

    public Predictor(Func<Tensor, Tensor> logits, int numClasses)
    {
        this.logits = logits;
        NumClasses = numClasses;
    }

    public int NumClasses { get; }
    public bool Flip { get; init; }
    public double[] Scales { get; init; } = { 1.0 };
    public int[]? WindowSize { get; init; }

    /// <summary>Softmax scores (B, C, H, W) for images (B, 3, H, W).</summary>
    public Tensor Scores(Tensor images)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var noGrad = Torch.Torch.NoGrad();
        var (height, width) = (images.Size(2), images.Size(3));
        Tensor? total = null;
        foreach (var scale in Scales)
        {
            var scaled = scale == 1.0 ? images
                : F.Interpolate(images, (long)Math.Round(height * scale), (long)Math.Round(width * scale), InterpolationMode.Bilinear, alignCorners: true);
            var views = Flip ? new[] { false, true } : new[] { false };
            foreach (var flipped in views)
            {
                var input = flipped ? scaled.Flip(3) : scaled;
                var score = WindowSize is { } window ? Sliding(input, window[0], window[1]) : Softmax(input);
                if (flipped) score = score.Flip(3);
                if (scale != 1.0) score = F.Interpolate(score, height, width, InterpolationMode.Bilinear, alignCorners: true);
                total = total is null ? score : total + score;
            }
        }
        return scope.MoveToOuter(total!);
    }

    /// <summary>Predicted class per pixel (B, H, W).</summary>
    public Tensor Predict(Tensor images)
    {
        using var scores = Scores(images);
        return scores.Argmax(1);
    }

    private Tensor Softmax(Tensor input)
    {
        var output = logits(input);
        var resized = F.Interpolate(output, input.Size(2), input.Size(3), InterpolationMode.Bilinear, alignCorners: true);
        return F.Softmax(resized, 1);
    }

    /// <summary>Windows of the crop size with stride 2/3 of it; the image is zero-padded up to one window.</summary>
    private Tensor Sliding(Tensor input, long windowHeight, long windowWidth)
    {
        var (batch, height, width) = (input.Size(0), input.Size(2), input.Size(3));
        var (paddedHeight, paddedWidth) = (Math.Max(height, windowHeight), Math.Max(width, windowWidth));
        var padded = input;
        if (paddedHeight != height || paddedWidth != width)
        {
            padded = Torch.Torch.Zeros(new[] { batch, input.Size(1), paddedHeight, paddedWidth }, input.Dtype, input.Device);
            padded.Narrow(2, 0, height).Narrow(3, 0, width).CopyInPlace(input);
        }
        var strideH = Math.Max(1, (long)Math.Ceiling(windowHeight * 2.0 / 3));
        var strideW = Math.Max(1, (long)Math.Ceiling(windowWidth * 2.0 / 3));
        var sum = Torch.Torch.Zeros(new[] { batch, (long)NumClasses, paddedHeight, paddedWidth }, ScalarType.Float32, input.Device);
        var count = Torch.Torch.Zeros(new[] { 1L, 1, paddedHeight, paddedWidth }, ScalarType.Float32, input.Device);
        foreach (var top in Starts(paddedHeight, windowHeight, strideH))
            foreach (var left in Starts(paddedWidth, windowWidth, strideW))
            {
                var window = padded.Narrow(2, top, windowHeight).Narrow(3, left, windowWidth);
                sum.Narrow(2, top, windowHeight).Narrow(3, left, windowWidth).AddInPlace(Softmax(window));
                count.Narrow(2, top, windowHeight).Narrow(3, left, windowWidth).AddInPlace(Torch.Torch.Ones(new[] { 1L, 1, windowHeight, windowWidth }, device: input.Device));
            }
        return (sum / count).Narrow(2, 0, height).Narrow(3, 0, width);
    }

    /// <summary>Window starts covering [0, size) with the last window flush with the end.</summary>
    internal static IEnumerable<long> Starts(long size, long window, long stride)
    {
        for (long start = 0; ; start += stride)
        {
            if (start + window >= size)
            {
                yield return Math.Max(0, size - window);
                yield break;
            }
            yield return start;
        }
    }
}
