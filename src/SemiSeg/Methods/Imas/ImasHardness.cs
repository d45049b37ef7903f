namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The per-instance score of iMAS (its compute_ulb_hardness_all): how much the student and the
/// EMA teacher agree on an unlabelled image's weak view, weighted by how confident each is. A high
/// score means an easy image. With argmax maps P_s, P_t and max probabilities m_s, m_t:
/// <code>
///   iou_t = class-weighted IoU of P_s against reference P_t (weights: P_t's pixel count per class, class 0 weighted 0)
///   iou_s = the same against reference P_s (weights from P_s)
///   r_t   = fraction of pixels with m_t >= tau,   r_s likewise
///   v1    = (iou_t r_t + iou_s r_s) / 2          v2 = (r_t iou_t + r_s iou_s) / (r_t + r_s)
/// </code>
/// An image with no weighted pixel (all background when class 0 is ignored) scores 0, as numpy's
/// nansum gives; v2 with r_t + r_s = 0 scores 0 instead of the official NaN. Computed on the device
/// with one batched bincount; the IoU is in double as the official numpy code.
/// </summary>
public static class ImasHardness
{
    /// <summary>Scores (B) from student and teacher logits (B, C, H, W) of the same weak view.</summary>
    public static Tensor Score(Tensor studentLogits, Tensor teacherLogits, double threshold, bool useV1 = true,
                               bool classWeighted = true, bool ignoreBackground = true)
    {
        if (studentLogits.Dim != 4 || !studentLogits.Shape.SequenceEqual(teacherLogits.Shape))
            throw new ArgumentException($"student [{string.Join(", ", studentLogits.Shape)}] and teacher [{string.Join(", ", teacherLogits.Shape)}] logits must both be (B, C, H, W)");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var (maxS, predS) = F.Softmax(studentLogits.Detach(), 1).Max(1);
        var (maxT, predT) = F.Softmax(teacherLogits.Detach(), 1).Max(1);
        var numClasses = studentLogits.Size(1);
        var (iouT, iouS) = AgreementIou(predS, predT, numClasses, classWeighted, ignoreBackground);
        var ratioT = maxT.Ge(threshold).Float().Mean(new long[] { 1, 2 });
        var ratioS = maxS.Ge(threshold).Float().Mean(new long[] { 1, 2 });
        Tensor score;
        if (useV1) score = (iouT * ratioT + iouS * ratioS) / 2.0;
        else
        {
            var total = ratioT + ratioS;
            var blended = ratioT / total * iouT + ratioS / total * iouS;
            score = Torch.Where(total.Gt(0), blended, 0.0);
        }
        return scope.MoveToOuter(score);
    }

    /// <summary>
    /// Per-image IoU of two argmax maps (B, H, W), once with the teacher's map as reference and once
    /// with the student's; float32 (B) each.
    /// </summary>
    public static (Tensor AgainstTeacher, Tensor AgainstStudent) AgreementIou(Tensor predStudent, Tensor predTeacher, long numClasses,
                                                                              bool classWeighted = true, bool ignoreBackground = true)
    {
        using var scope = Torch.NewDisposeScope();
        var batch = predStudent.Size(0);
        var image = Torch.Arange(batch, device: predStudent.Device).View(batch, 1, 1);
        // confusion[b, t, s]: pixels of image b the teacher labels t and the student s. The factor is
        // an int64 tensor because a C# number would promote the indices to float.
        var classes = Tensor.Scalar(numClasses);
        var cell = (image * classes + predTeacher) * classes + predStudent;
        var confusion = Torch.Bincount(cell.Flatten(), minLength: batch * numClasses * numClasses)
            .View(batch, numClasses, numClasses).To(ScalarType.Float64);
        var eye = Torch.Eye(numClasses, ScalarType.Float64).To(predStudent.Device);
        var agree = (confusion * eye).Sum(2);                  // (B, C)
        var teacherCounts = confusion.Sum(2);
        var studentCounts = confusion.Sum(1);
        var union = teacherCounts + studentCounts - agree;
        var defined = union.Gt(0);
        var iou = Torch.Where(defined, agree / union.ClampMin(1), 0.0);   // IoU is symmetric in the two maps
        var againstTeacher = Reduce(iou, defined, teacherCounts, classWeighted, ignoreBackground);
        var againstStudent = Reduce(iou, defined, studentCounts, classWeighted, ignoreBackground);
        return (scope.MoveToOuter(againstTeacher), scope.MoveToOuter(againstStudent));
    }

    private static Tensor Reduce(Tensor iou, Tensor defined, Tensor referenceCounts, bool classWeighted, bool ignoreBackground)
    {
        using var scope = Torch.NewDisposeScope();
        Tensor result;
        if (classWeighted)
        {
            var weights = referenceCounts;
            if (ignoreBackground)
            {
                var keep = Torch.OnesLike(weights);
                keep.Select(1, 0).FillInPlace(0);
                weights = weights * keep;
            }
            var total = weights.Sum(1);
            result = Torch.Where(total.Gt(0), (iou * weights).Sum(1) / total.ClampMin(1), 0.0);
        }
        else
        {
            // numpy's nanmean over the classes present in either map (background included).
            result = iou.Sum(1) / defined.Sum(1, keepDim: false).To(ScalarType.Float64).ClampMin(1);
        }
        return scope.MoveToOuter(result.Float());
    }
}
