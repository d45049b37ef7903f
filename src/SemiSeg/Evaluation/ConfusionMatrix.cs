namespace SemiSeg.Evaluation;

/// <summary>
/// Accumulates a C x C confusion matrix (rows: ground truth, columns: prediction) on the device,
/// ignoring pixels whose label is the ignore value, and reports IoU per class and mIoU from the
/// summed intersections and unions (not a mean of per-image scores).
/// </summary>
public sealed class ConfusionMatrix : IDisposable
{
    public const int IgnoreIndex = 255;

    private readonly Tensor counts;

    public int NumClasses { get; }

    /// <summary>The (C, C) int64 counts themselves, for summing them over ranks in place.</summary>
    internal Tensor CountsTensor => counts;

    public ConfusionMatrix(int numClasses, Device? device = null)
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "need at least one class");
        NumClasses = numClasses;
        counts = Torch.Torch.Zeros(new long[] { numClasses, numClasses }, ScalarType.Int64, device).DetachFromDisposeScope();
    }

    /// <summary>Adds a batch: prediction and target of the same shape, integer class indices.</summary>
    public void Update(Tensor prediction, Tensor target)
    {
        if (!prediction.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"prediction [{string.Join(", ", prediction.Shape)}] and target [{string.Join(", ", target.Shape)}] differ in shape");
        using var scope = Torch.Torch.NewDisposeScope();
        using var noGrad = Torch.Torch.NoGrad();
        var t = target.Long().Flatten();
        var p = prediction.Long().Flatten();
        var valid = t.Ne(IgnoreIndex);
        var outOfRange = (t.Lt(0) | t.Ge(NumClasses)) & valid;
        if (outOfRange.Any().Item() != 0)
            throw new ArgumentException($"target holds labels outside [0, {NumClasses}) other than {IgnoreIndex}");
        var cells = t[valid] * NumClasses + p[valid];
        var binned = Torch.Torch.Bincount(cells, minLength: (long)NumClasses * NumClasses).View(NumClasses, NumClasses);
        counts.AddInPlace(binned);
    }

    /// <summary>The matrix as managed counts, [truth, prediction].</summary>
    public long[,] Counts()
    {
        var flat = counts.ToArray<long>();
        var result = new long[NumClasses, NumClasses];
        for (var i = 0; i < NumClasses; i++)
            for (var j = 0; j < NumClasses; j++) result[i, j] = flat[i * NumClasses + j];
        return result;
    }

    /// <summary>IoU per class; NaN for a class absent from both truth and prediction.</summary>
    public double[] IoU()
    {
        var m = Counts();
        var iou = new double[NumClasses];
        for (var c = 0; c < NumClasses; c++)
        {
            long truth = 0, predicted = 0;
            for (var k = 0; k < NumClasses; k++) { truth += m[c, k]; predicted += m[k, c]; }
            var union = truth + predicted - m[c, c];
            iou[c] = union == 0 ? double.NaN : (double)m[c, c] / union;
        }
        return iou;
    }

    /// <summary>Mean IoU over the classes that occur (NaN entries skipped).</summary>
    public double MeanIoU()
    {
        var present = IoU().Where(v => !double.IsNaN(v)).ToArray();
        return present.Length == 0 ? double.NaN : present.Average();
    }

    /// <summary>Fraction of valid pixels predicted correctly.</summary>
    public double PixelAccuracy()
    {
        var m = Counts();
        long correct = 0, total = 0;
        for (var i = 0; i < NumClasses; i++)
            for (var j = 0; j < NumClasses; j++) { total += m[i, j]; if (i == j) correct += m[i, j]; }
        return total == 0 ? double.NaN : (double)correct / total;
    }

    public void Reset() => counts.ZeroInPlace();

    public void Dispose() => counts.Dispose();
}
