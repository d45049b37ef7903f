namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// AEL's adaptive copy-paste (Hu et al., NeurIPS 2021, section 3.3, "adaptive Copy-Paste"): pixels of
/// under-performing classes are copied from a second labelled image onto each labelled image, the
/// classes drawn by the confidence bank, as the with_AEL branch does:
/// <list type="bullet">
/// <item>categories: every class but the "easy" ones (train.py:334-336 hard-codes the Cityscapes ids
/// [0, 1, 2, 8, 10]); probabilities <c>softmax(sqrt(1 - conf[target]))</c> (train.py:377-380);
/// <c>dataset.acp.number</c> draws, duplicates removed (train.py:381-384).</item>
/// <item>paste: <c>dynamic_copy_paste</c> (u2pl/utils/utils.py:511-537): an image whose paste label sums
/// to 0 (no partner) stays; otherwise the pixels whose paste label is a drawn category take the
/// paste image's pixels and label.</item>
/// </list>
/// The branch draws the categories with numpy; ours come from a <see cref="Generator"/>, so the
/// distribution is the branch's but not the numbers.
/// </summary>
public static class AdaptiveCopyPaste
{
    /// <summary>The classes the branch never pastes on Cityscapes: road, sidewalk, building, vegetation, sky (train.py:335).</summary>
    public static readonly IReadOnlyList<int> CityscapesIgnoredCategories = new[] { 0, 1, 2, 8, 10 };

    /// <summary>The classes that can be pasted, ascending (the branch's <c>list(set(all) - set(ignore))</c>).</summary>
    public static int[] TargetCategories(int numClasses, IEnumerable<int> ignored)
    {
        var skip = ignored.ToHashSet();
        return Enumerable.Range(0, numClasses).Where(c => !skip.Contains(c)).ToArray();
    }

    /// <summary>softmax(sqrt(1 - conf[target])) over the target categories (float64, a new tensor).</summary>
    public static Tensor CategoryProbabilities(Tensor classConfidence, IReadOnlyList<int> targetCategories)
    {
        using var scope = Torch.NewDisposeScope();
        var index = Tensor.From(targetCategories.Select(c => (long)c).ToArray(), targetCategories.Count).To(classConfidence.Device);
        var score = (1 - classConfidence.To(ScalarType.Float32)).IndexSelect(0, index).Sqrt().To(ScalarType.Float64);
        return scope.MoveToOuter(F.Softmax(score, 0));
    }

    /// <summary>
    /// <paramref name="count"/> draws from the target categories with <see cref="CategoryProbabilities"/>,
    /// duplicates removed (ascending), using one uniform number of <paramref name="generator"/> per draw.
    /// </summary>
    public static int[] DrawCategories(Tensor classConfidence, IReadOnlyList<int> targetCategories, int count, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var p = CategoryProbabilities(classConfidence, targetCategories).ToArray<double>();
        var u = Torch.Rand(new[] { (long)count }, generator, ScalarType.Float64).ToArray<double>();
        return u.Select(x => targetCategories[InverseCdf(p, x)]).Distinct().OrderBy(c => c).ToArray();
    }

    /// <summary>The index i with cdf(i - 1) &lt;= x &lt; cdf(i); the last index when rounding leaves x above the sum.</summary>
    internal static int InverseCdf(IReadOnlyList<double> p, double x)
    {
        var cumulative = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            cumulative += p[i];
            if (x < cumulative) return i;
        }
        return p.Count - 1;
    }

    /// <summary>
    /// dynamic_copy_paste: images (B, 3, H, W) and labels (B, H, W) with their paste partners of the
    /// same shapes (a partner whose label sums to 0 means none). Returns new tensors.
    /// </summary>
    public static (Tensor Images, Tensor Labels) Paste(Tensor images, Tensor labels, Tensor pasteImages, Tensor pasteLabels,
                                                       IReadOnlyCollection<int> categories)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var outImages = new Tensor[images.Size(0)];
        var outLabels = new Tensor[images.Size(0)];
        for (var i = 0; i < images.Size(0); i++)
        {
            var (image, label, pasteLabel) = (images.Select(0, i), labels.Select(0, i), pasteLabels.Select(0, i));
            if (pasteLabel.Sum().ItemInt() == 0)
            {
                (outImages[i], outLabels[i]) = (image.Clone(), label.Clone());
                continue;
            }
            var alpha = Torch.ZerosLike(pasteLabel).To(ScalarType.Bool);
            foreach (var c in categories) alpha = alpha | pasteLabel.Eq(c);
            var a = alpha.To(ScalarType.Int32);
            outImages[i] = (1 - a) * image + a * pasteImages.Select(0, i);
            outLabels[i] = ((1 - a) * label + a * pasteLabel).To(labels.Dtype);
        }
        return (scope.MoveToOuter(Torch.Stack(outImages)), scope.MoveToOuter(Torch.Stack(outLabels)));
    }
}
