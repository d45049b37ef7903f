namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>A box [Y0, Y1) x [X0, X1) of an image.</summary>
public readonly record struct CutMixBox(int Y0, int X0, int Y1, int X1)
{
    public int Area => Math.Max(0, Y1 - Y0) * Math.Max(0, X1 - X0);
}

/// <summary>
/// AEL's adaptive CutMix region (Hu et al., NeurIPS 2021, section 3.3): the box pasted from the
/// bank-sampled image covers a region of the class that was sampled, as the with_AEL branch's
/// <c>generate_cutmix_mask</c> / <c>generate_cutmix</c> (u2pl/utils/utils.py:366-428) compute it with
/// the config's <c>no_pad: True, no_slim: True</c>:
/// <list type="bullet">
/// <item>the class absent from the sampled image's argmax: a random box of half the area
/// (<c>init_cutmix</c>, utils.py:228-246);</item>
/// <item>otherwise the 8-connected components of the class (<c>skimage.measure.label</c>), in random order
/// (<c>random.shuffle</c>); the first with more than area_thresh * H^2 pixels gives its bounding box;
/// none that large: the random box.</item>
/// </list>
/// The branch's growing and shrinking of the box (<c>no_pad: False</c>, <c>padding_bbox_new</c>;
/// <c>no_slim: False</c>, <c>sliming_bbox</c>) are not implemented. Random numbers come from a
/// <see cref="Generator"/>, not numpy's and Python's: the same distribution, other numbers.
/// </summary>
public static class AdaptiveCutMixMask
{
    /// <summary>The mask (H, W) int64, 1 inside the box, for the sampled image's prediction (H, W).</summary>
    public static (Tensor Mask, CutMixBox Box) Generate(Tensor prediction, int category, double areaThreshold, Generator generator)
    {
        var box = ChooseBox(prediction, category, areaThreshold, generator);
        var (h, w) = ((int)prediction.Size(0), (int)prediction.Size(1));
        return (BoxMask(box, h, w), box);
    }

    /// <summary>The box <see cref="Generate"/> pastes.</summary>
    public static CutMixBox ChooseBox(Tensor prediction, int category, double areaThreshold, Generator generator)
    {
        var (h, w) = ((int)prediction.Size(0), (int)prediction.Size(1));
        var labels = prediction.To(Device.CPU, ScalarType.Int64).Contiguous().ToArray<long>();
        if (!labels.Contains(category)) return RandomBox(h, generator);
        var (components, count) = Components(labels, h, w, category);
        if (count == 0) return RandomBox(h, generator);
        var sizes = new long[count + 1];
        foreach (var id in components) if (id > 0) sizes[id]++;
        using var scope = Torch.NewDisposeScope();
        var order = Torch.Randperm(count, generator).ToArray<long>();
        var areaAll = (double)h * h;
        foreach (var k in order)
        {
            var id = (int)k + 1;
            if (sizes[id] > areaThreshold * areaAll) return BoundingBox(components, w, id);
        }
        return RandomBox(h, generator);
    }

    /// <summary>
    /// init_cutmix(size): a box of half of size x size, its height size * 0.5^u, placed uniformly
    /// (numpy's round: half to even).
    /// </summary>
    public static CutMixBox RandomBox(int size, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var u = Torch.Rand(new[] { 3L }, generator, ScalarType.Float64).ToArray<double>();
        const double proportion = 0.5;
        var yProp = Math.Exp(u[0] * Math.Log(proportion));
        var xProp = proportion / yProp;
        var (sy, sx) = (Math.Round(yProp * size), Math.Round(xProp * size));
        var (py, px) = (Math.Round((size - sy) * u[1]), Math.Round((size - sx) * u[2]));
        return new CutMixBox((int)py, (int)px, (int)(py + sy), (int)(px + sx));
    }

    /// <summary>The box as a mask (H, W) int64.</summary>
    public static Tensor BoxMask(CutMixBox box, int h, int w)
    {
        var mask = new long[h * w];
        for (var y = Math.Max(0, box.Y0); y < Math.Min(h, box.Y1); y++)
            for (var x = Math.Max(0, box.X0); x < Math.Min(w, box.X1); x++)
                mask[y * w + x] = 1;
        return Tensor.From(mask, h, w);
    }

    /// <summary>
    /// 8-connected components of the pixels equal to <paramref name="category"/>, numbered 1.. in
    /// raster order of their first pixel (as skimage.measure.label numbers them); 0 elsewhere.
    /// </summary>
    internal static (int[] Components, int Count) Components(long[] labels, int h, int w, long category)
    {
        var components = new int[h * w];
        var count = 0;
        var stack = new Stack<int>();
        for (var start = 0; start < labels.Length; start++)
        {
            if (labels[start] != category || components[start] != 0) continue;
            components[start] = ++count;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                var (y, x) = (p / w, p % w);
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var (ny, nx) = (y + dy, x + dx);
                        if (ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
                        var q = ny * w + nx;
                        if (labels[q] != category || components[q] != 0) continue;
                        components[q] = count;
                        stack.Push(q);
                    }
            }
        }
        return (components, count);
    }

    // regionprops(...).bbox: (min_row, min_col, max_row + 1, max_col + 1).
    private static CutMixBox BoundingBox(int[] components, int w, int id)
    {
        var (y0, x0, y1, x1) = (int.MaxValue, int.MaxValue, -1, -1);
        for (var p = 0; p < components.Length; p++)
        {
            if (components[p] != id) continue;
            var (y, x) = (p / w, p % w);
            (y0, x0, y1, x1) = (Math.Min(y0, y), Math.Min(x0, x), Math.Max(y1, y + 1), Math.Max(x1, x + 1));
        }
        return new CutMixBox(y0, x0, y1, x1);
    }
}
