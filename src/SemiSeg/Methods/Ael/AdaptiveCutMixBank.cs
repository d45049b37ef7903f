namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// AEL's adaptive CutMix bank (Hu et al., NeurIPS 2021, section 3.3, "adaptive CutMix"): for every
/// unlabelled image, which classes the teacher sees in it, so that a step can fetch an image that
/// holds a class the confidence bank rates hard. As the with_AEL branch:
/// <list type="bullet">
/// <item>the bank is <c>zeros(C, N)</c> over the N unlabelled images (train.py:137-140);</item>
/// <item><c>update_cutmix_bank</c> (u2pl/utils/utils.py:431-458): after the teacher's eval pass on the two
/// images, entry (c, id) is 1 when class c covers at least area_thresh2 * W^2 pixels of the image's
/// argmax (W the width: the branch assumes square crops), else 0; the loader's image first, then the
/// sampled one;</item>
/// <item><c>sample_from_bank</c> (utils.py:396-409): a class drawn with <c>softmax(1 - conf)</c>, then one of
/// the images whose entry for it is 1, or any image when none is.</item>
/// </list>
/// The branch draws with numpy and Python's random; ours come from a <see cref="Generator"/>, so the
/// distribution is the branch's but not the numbers. Owns its tensor; dispose it to free it.
/// </summary>
public sealed class AdaptiveCutMixBank : IDisposable
{
    private readonly Tensor bank;   // (C, N) float32

    public AdaptiveCutMixBank(int numClasses, long numImages, Device? device = null)
    {
        if (numClasses < 1 || numImages < 1) throw new ArgumentException("the CutMix bank needs at least one class and one image");
        bank = Torch.Zeros(new[] { (long)numClasses, numImages }, device: device ?? Device.CPU).DetachFromDisposeScope();
    }

    public int NumClasses => (int)bank.Size(0);
    public long NumImages => bank.Size(1);

    /// <summary>A copy of the bank (C, N).</summary>
    public Tensor Snapshot() => bank.Clone();

    /// <summary>
    /// update_cutmix_bank with the teacher's logits (2, C, H, W) of the loader's image
    /// (<paramref name="imageId"/>) and the sampled one (<paramref name="sampleId"/>).
    /// </summary>
    public void Update(Tensor teacherLogits, long imageId, long sampleId, double areaThreshold)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var areaAll = (double)teacherLogits.Size(-1) * teacherLogits.Size(-1);
        var ids = new[] { imageId, sampleId };
        for (var k = 0; k < 2; k++)
        {
            var predicted = teacherLogits.Select(0, k).Argmax(0).Flatten();
            var counts = Torch.Bincount(predicted, minLength: NumClasses).ToArray<long>();
            var column = new float[NumClasses];
            for (var c = 0; c < NumClasses; c++) column[c] = counts[c] > 0 && counts[c] >= areaThreshold * areaAll ? 1f : 0f;
            bank.Select(1, ids[k]).CopyInPlace(Tensor.From(column, NumClasses).To(bank.Device));
        }
    }

    /// <summary>softmax(1 - conf) over the classes (float64, a new tensor): sample_from_bank's class distribution.</summary>
    public static Tensor ClassProbabilities(Tensor classConfidence)
    {
        using var scope = Torch.NewDisposeScope();
        return scope.MoveToOuter(F.Softmax((1 - classConfidence.To(ScalarType.Float32)).To(ScalarType.Float64), 0));
    }

    /// <summary>sample_from_bank: (image to fetch, class drawn), two uniform numbers of <paramref name="generator"/>.</summary>
    public (long SampleId, int ClassId) Sample(Tensor classConfidence, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        var p = ClassProbabilities(classConfidence).ToArray<double>();
        var u = Torch.Rand(new[] { 2L }, generator, ScalarType.Float64).ToArray<double>();
        var classId = AdaptiveCopyPaste.InverseCdf(p, u[0]);
        var holders = bank.Select(0, classId).Nonzero().Squeeze(1).ToArray<long>();
        var pick = holders.Length > 0 ? holders : null;
        var count = pick?.Length ?? NumImages;
        var index = Math.Min((long)(u[1] * count), count - 1);
        return (pick is null ? index : pick[index], classId);
    }

    /// <summary>The bank under the branch's checkpoint key "cutmix_bank"; a new tensor the caller owns.</summary>
    public Dictionary<string, Tensor> GetState() => new() { ["cutmix_bank"] = bank.Clone().DetachFromDisposeScope() };

    public void SetState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("cutmix_bank", out var saved)) throw new ArgumentException("CutMix bank state needs 'cutmix_bank'");
        if (!saved.Shape.SequenceEqual(bank.Shape))
            throw new ArgumentException($"cutmix_bank has shape [{string.Join(", ", saved.Shape)}], expected [{string.Join(", ", bank.Shape)}]");
        using var noGrad = Torch.NoGrad();
        bank.CopyInPlace(saved);
    }

    public void Dispose() => bank.Dispose();
}
