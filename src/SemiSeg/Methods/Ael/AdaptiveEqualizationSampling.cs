namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// AEL's adaptive equalisation sampling (Hu et al., NeurIPS 2021, section 3.4, Eq. 8): the pixels of
/// the unsupervised loss are sampled per class, classes of low confidence (the confidence bank) more
/// often, as <c>Criterion_cons.forward</c> with <c>sample: True</c> does
/// (u2pl/utils/loss_helper.py:361-375):
/// <c>r = (1 - conf) / (max(1 - conf) + 1e-12)</c>, <c>r = r^gamma2</c>; for each class c in order
/// 0..C-1 a uniform map <c>torch.rand(h, w)</c> masked by the student's argmax == c keeps the pixels
/// where it exceeds <c>1 - r_c</c>. One (h, w) draw per class serves every image of the batch, as in
/// the branch; the draws come from <paramref name="generator"/> in the branch's order, so the same
/// seed keeps the same pixels.
/// </summary>
public static class AdaptiveEqualizationSampling
{
    /// <summary>The per-class sampling rates r (C) from the bank's confidence (C); float32, a new tensor.</summary>
    public static Tensor Rates(Tensor classConfidence, double gamma2)
    {
        using var scope = Torch.NewDisposeScope();
        var r = 1 - classConfidence.To(ScalarType.Float32);
        r = r / (r.Max() + 1e-12);
        return scope.MoveToOuter(r.Pow(gamma2));
    }

    /// <summary>
    /// The sample map (B, H, W) float32, 1 where a pixel is kept, from the student's logits
    /// (B, C, H, W) and the bank's confidence (C).
    /// </summary>
    public static Tensor SampleMap(Tensor studentLogits, Tensor classConfidence, double gamma2, Generator generator)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var rates = Rates(classConfidence, gamma2);
        var predicted = studentLogits.Argmax(1).To(ScalarType.Float32);   // (B, H, W), as preds.max(1)[1].float()
        var (h, w) = (predicted.Size(1), predicted.Size(2));
        var map = Torch.ZerosLike(predicted);
        for (var c = 0; c < rates.Size(0); c++)
        {
            var threshold = 1 - rates.Select(0, c);                     // 0-dim float32, as prob = 1 - dcp_criterion[idx]
            var draw = Torch.Rand(new[] { h, w }, generator).To(predicted.Device) * predicted.Eq(c);
            map = map + draw.Gt(threshold).To(ScalarType.Float32);
        }
        return scope.MoveToOuter(map);
    }
}
