using SemiSeg.Models;

namespace SemiSeg.Methods;

/// <summary>The supervised part every method shares: student forward on labelled images and the supervised criterion.</summary>
internal static class SupervisedStep
{
    /// <summary>Cross-entropy (or OHEM) of upsampled logits against labels, plus the weighted auxiliary loss when the head is on.</summary>
    public static Tensor Loss(SupervisedCriterion criterion, SegmentationOutput output, Tensor labels, long count) =>
        Loss(criterion, output, labels, 0, count);

    /// <summary>
    /// The supervised loss of one simulated replica: rows [start, start + count) of the batch's
    /// outputs against that replica's labels.
    /// </summary>
    public static Tensor Loss(SupervisedCriterion criterion, SegmentationOutput output, Tensor labels, long start, long count)
    {
        var (height, width) = (labels.Size(1), labels.Size(2));
        var prediction = Upsample.ToLabels(Rows(output.Prediction, start, count), height, width);
        var auxiliary = criterion.UsesAux && output.Auxiliary is { } aux ? Upsample.ToLabels(Rows(aux, start, count), height, width) : null;
        return criterion.Compute(prediction, labels, auxiliary);
    }

    /// <summary>The first rows of a batch (labelled images come first when batches are joined).</summary>
    public static Tensor Rows(Tensor t, long count) => Rows(t, 0, count);

    /// <summary>Rows [start, start + count) of a batch (the tensor itself when that is all of it).</summary>
    public static Tensor Rows(Tensor t, long start, long count) => start == 0 && t.Size(0) == count ? t : t.Narrow(0, start, count);
}
