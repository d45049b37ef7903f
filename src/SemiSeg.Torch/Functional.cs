namespace SemiSeg.Torch;

/// <summary>How a loss reduces over elements (the codes ATen uses).</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2 }

/// <summary>Interpolation modes of <see cref="F.Interpolate"/>.</summary>
public enum InterpolationMode { Nearest, Bilinear }

/// <summary>torch.nn.functional: the network and loss operations, with PyTorch's defaults.</summary>
public static class F
{
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        Aten.Conv2d.Call(input, weight, bias, new[] { stride, stride }, new[] { padding, padding }, new[] { dilation, dilation }, groups);

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups = 1) =>
        Aten.Conv2d.Call(input, weight, bias, stride, padding, dilation, groups);

    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => Aten.Linear.Call(input, weight, bias);

    /// <summary>Batch normalisation; in training it normalises by batch statistics and updates the running ones in place.</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
                                   bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Aten.BatchNorm.Call(input, weight, bias, runningMean, runningVar, training, momentum, eps, true);

    public static Tensor Relu(Tensor input) => Aten.Relu.Call(input);

    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true) =>
        training && p > 0 ? Aten.Dropout.Call(input, p, true) : input.Alias();

    /// <summary>Zeroes whole channels with probability p (nn.Dropout2d).</summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true) =>
        training && p > 0 ? Aten.FeatureDropout.Call(input, p, true) : input.Alias();

    public static Tensor MaxPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false) =>
        Aten.MaxPool2d.Call(input, new[] { kernelSize, kernelSize }, new[] { stride ?? kernelSize, stride ?? kernelSize },
                            new[] { padding, padding }, new[] { dilation, dilation }, ceilMode);

    /// <summary>Max pooling that also returns the flat (H * W) index of each maximum, as return_indices=True.</summary>
    public static (Tensor Values, Tensor Indices) MaxPool2dWithIndices(Tensor input, long kernelSize, long? stride = null, long padding = 0,
                                                                     long dilation = 1, bool ceilMode = false)
    {
        var results = Aten.MaxPool2dWithIndices.CallMany(input, new[] { kernelSize, kernelSize }, new[] { stride ?? kernelSize, stride ?? kernelSize },
                                                         new[] { padding, padding }, new[] { dilation, dilation }, ceilMode);
        return (results[0], results[1]);
    }

    public static Tensor AvgPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0) =>
        Aten.AvgPool2d.Call(input, new[] { kernelSize, kernelSize }, new[] { stride ?? kernelSize, stride ?? kernelSize }, new[] { padding, padding });

    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputHeight, long outputWidth) =>
        Aten.AdaptiveAvgPool2d.Call(input, new[] { outputHeight, outputWidth });

    /// <summary>Resizes (N, C, H, W) to the given size, as F.interpolate with mode "bilinear" or "nearest".</summary>
    public static Tensor Interpolate(Tensor input, long height, long width, InterpolationMode mode = InterpolationMode.Bilinear, bool alignCorners = false)
    {
        CheckInterpolation(input, mode, alignCorners);
        return mode == InterpolationMode.Bilinear
            ? Aten.UpsampleBilinear2d.Call(input, new[] { height, width }, alignCorners, Arg.None)
            : Aten.UpsampleNearest2d.Call(input, new[] { height, width }, Arg.None);
    }

    /// <summary>
    /// Resizes by a scale factor; the output size is floor(size * scale) as in PyTorch, and
    /// (without align corners) the sampling grid uses the scale itself, not the rounded size.
    /// </summary>
    public static Tensor Interpolate(Tensor input, double scaleFactor, InterpolationMode mode = InterpolationMode.Bilinear, bool alignCorners = false)
    {
        CheckInterpolation(input, mode, alignCorners);
        return mode == InterpolationMode.Bilinear
            ? Aten.UpsampleBilinear2d.Call(input, Arg.None, alignCorners, new[] { scaleFactor, scaleFactor })
            : Aten.UpsampleNearest2d.Call(input, Arg.None, new[] { scaleFactor, scaleFactor });
    }

    private static void CheckInterpolation(Tensor input, InterpolationMode mode, bool alignCorners)
    {
        if (input.Dim != 4)
            throw new ArgumentException($"Interpolate expects (N, C, H, W) input, got {input}", nameof(input));
        // PyTorch refuses align_corners for nearest rather than ignoring it.
        if (alignCorners && mode == InterpolationMode.Nearest)
            throw new ArgumentException("alignCorners can only be set with bilinear interpolation, not nearest", nameof(alignCorners));
    }

    public static Tensor Softmax(Tensor input, long dim) => Aten.Softmax.Call(input, dim);
    public static Tensor LogSoftmax(Tensor input, long dim) => Aten.LogSoftmax.Call(input, dim);

    /// <summary>Cross-entropy over class dim 1 of logits; pixels labelled ignoreIndex contribute nothing.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
                                      Reduction reduction = Reduction.Mean, double labelSmoothing = 0) =>
        Aten.CrossEntropy.Call(logits, target, weight, (long)reduction, ignoreIndex, labelSmoothing);

    public static Tensor NllLoss(Tensor logProbabilities, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) =>
        Aten.NllLoss.Call(logProbabilities, target, weight, (long)reduction, ignoreIndex);

    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
        Aten.BinaryCrossEntropyWithLogits.Call(logits, target, weight, Arg.None, (long)reduction);

    /// <summary>Shannon entropy -sum(p log p) over dim of a probability tensor (0 log 0 taken as 0).</summary>
    public static Tensor Entropy(Tensor probabilities, long dim = 1, bool keepDim = false, double eps = 1e-10)
    {
        using var scope = Torch.NewDisposeScope();
        var plogp = probabilities * (probabilities + eps).Log();
        return scope.MoveToOuter(-plogp.Sum(dim, keepDim));
    }

    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8) =>
        Aten.CosineSimilarity.Call(x1, x2, dim, eps);

    /// <summary>x / max(||x||_p, eps) along dim, as F.normalize.</summary>
    public static Tensor Normalize(Tensor input, double p = 2, long dim = 1, double eps = 1e-12)
    {
        using var scope = Torch.NewDisposeScope();
        var denominator = input.Norm(p, dim, keepDim: true).ClampMin(eps).ExpandAs(input);
        return scope.MoveToOuter(input / denominator);
    }

    /// <summary>int64 labels to a one-hot int64 tensor with a trailing class dim.</summary>
    public static Tensor OneHot(Tensor labels, long numClasses = -1) => Aten.OneHot.Call(labels, numClasses);
}
