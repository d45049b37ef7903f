namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The score-driven augmentation of iMAS (its train_semi.py steps 3-4 and cut_mix_by_hardness),
/// with every random draw taken from a seeded <see cref="Generator"/>:
/// <list type="bullet">
/// <item>the strong view is blended with the weak view per image by its score (easy images get
/// more of the strong view), or one of the two is picked with probability = score;</item>
/// <item>CutMix of the weak views is triggered with probability = the batch-mean score;</item>
/// <item>images are paired easy with hard (the k-th lowest score with the k-th highest), and each
/// receives a box of its partner. The box side is v times the image side, v uniform in the
/// configured range; every image draws its own centre in [side/16, side).</item>
/// </list>
/// </summary>
public static class ImasAugmentation
{
    /// <summary>
    /// Strong (B, 3, H, W) views mixed with weak ones by the scores (B): strong s + weak (1 - s), or
    /// (when <paramref name="blend"/> is false) the strong view where a uniform draw is below s.
    /// </summary>
    public static Tensor MixStrongWithWeak(Tensor strong, Tensor weak, Tensor scores, bool blend, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var batch = scores.Size(0);
        var weight = blend
            ? scores.Float()
            : Torch.Rand(new[] { batch }, generator).To(scores.Device).Lt(scores).Float();
        weight = weight.View(batch, 1, 1, 1);
        return scope.MoveToOuter(strong * weight + weak * (1.0 - weight));
    }

    /// <summary>Whether CutMix applies this step: a uniform draw below the probability (one host read).</summary>
    public static bool Triggered(double probability, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        return Torch.Rand(new long[] { 1 }, generator, ScalarType.Float64).Item() < probability;
    }

    /// <summary>
    /// (B) int64 partner of each image: sorting the scores ascending, the k-th image is paired with
    /// the (B-1-k)-th, as the official argsort mapping (ties keep batch order).
    /// </summary>
    public static Tensor EasyHardPartners(Tensor scores)
    {
        using var scope = Torch.NewDisposeScope();
        var order = StableArgsort(scores);
        var partners = Torch.ZerosLike(order).Scatter(0, order, order.Flip(0));
        return scope.MoveToOuter(partners);
    }

    /// <summary>
    /// CutMix of images (B, C, H, W), labels and confidences (B, H, W): image i gets the box of its
    /// partner (<paramref name="partners"/>, B). <paramref name="sideRange"/> is use_cutmix_range;
    /// <paramref name="randomScale"/> (flag_mapping_random) multiplies the random part of the side by it.
    /// The side is drawn from <paramref name="sideGenerator"/> (the official code draws it from
    /// Python's <c>random</c>), the centres from <paramref name="generator"/> (numpy's stream there).
    /// </summary>
    public static (Tensor Images, Tensor Labels, Tensor Confidence) CutMix(Tensor images, Tensor labels, Tensor confidence, Tensor partners,
                                                                          double[] sideRange, Generator generator, double? randomScale = null,
                                                                          Generator? sideGenerator = null)
    {
        using var scope = Torch.NewDisposeScope();
        var v = SideRatio(sideRange, sideGenerator ?? generator, randomScale);
        var box = BoxMask(images.Size(0), images.Size(2), images.Size(3), v, generator);
        var (mixedImages, mixedLabels, mixedConfidence) = Paste(images, labels, confidence, partners, box);
        return (scope.MoveToOuter(mixedImages), scope.MoveToOuter(mixedLabels), scope.MoveToOuter(mixedConfidence));
    }

    /// <summary>
    /// The box side as a fraction of the image (cut_mix_by_hardness): uniform in [min, max] of
    /// <paramref name="sideRange"/>, the random part scaled by <paramref name="randomScale"/> when given.
    /// </summary>
    public static double SideRatio(double[] sideRange, Generator generator, double? randomScale = null)
    {
        using var scope = Torch.NewDisposeScope();
        var (low, high) = (sideRange.Min(), sideRange.Max());
        var v = (high - low) * Torch.Rand(new long[] { 1 }, generator, ScalarType.Float64).Item();
        if (randomScale is { } s) v *= s;
        return v + low;
    }

    /// <summary>Image i takes its partner's pixels, label and confidence inside its own box (B, H, W) bool.</summary>
    public static (Tensor Images, Tensor Labels, Tensor Confidence) Paste(Tensor images, Tensor labels, Tensor confidence, Tensor partners, Tensor box)
    {
        using var scope = Torch.NewDisposeScope();
        box = box.To(images.Device);
        var mixedImages = Torch.Where(box.Unsqueeze(1), images.IndexSelect(0, partners), images);
        var mixedLabels = Torch.Where(box, labels.IndexSelect(0, partners), labels);
        var mixedConfidence = Torch.Where(box, confidence.IndexSelect(0, partners), confidence);
        return (scope.MoveToOuter(mixedImages), scope.MoveToOuter(mixedLabels), scope.MoveToOuter(mixedConfidence));
    }

    /// <summary>
    /// (B, H, W) bool boxes of side (int(H v), int(W v)) around centres drawn in [H/16, H) and [W/16, W),
    /// clipped to the image (the official rand_bbox_by_v).
    /// </summary>
    public static Tensor BoxMask(long batch, long height, long width, double v, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var cutRows = (long)(height * v);
        var cutCols = (long)(width * v);
        var centreRow = Torch.Randint(height / 16, height, new[] { batch }, generator);
        var centreCol = Torch.Randint(width / 16, width, new[] { batch }, generator);
        var rowStart = (centreRow - cutRows / 2).Clamp(0, height).View(batch, 1, 1);
        var rowEnd = (centreRow + cutRows / 2).Clamp(0, height).View(batch, 1, 1);
        var colStart = (centreCol - cutCols / 2).Clamp(0, width).View(batch, 1, 1);
        var colEnd = (centreCol + cutCols / 2).Clamp(0, width).View(batch, 1, 1);
        var rows = Torch.Arange(height).View(1, height, 1);
        var cols = Torch.Arange(width).View(1, 1, width);
        var mask = rows.Ge(rowStart) & rows.Lt(rowEnd) & cols.Ge(colStart) & cols.Lt(colEnd);
        return scope.MoveToOuter(mask);
    }

    // numpy's argsort on a batch-sized array is an insertion sort, so ties keep batch order: sort stably.
    private static readonly Op StableSort = new("aten::sort", "stable");

    private static Tensor StableArgsort(Tensor values)
    {
        using var scope = Torch.NewDisposeScope();
        var results = StableSort.CallMany(values, ((Arg)true).Named("stable"), ((Arg)0L).Named("dim"));
        return scope.MoveToOuter(results[1]);
    }
}
