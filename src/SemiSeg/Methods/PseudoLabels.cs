using SemiSeg.Data;
using SemiSeg.Models;

namespace SemiSeg.Methods;

/// <summary>
/// The teacher's pseudo-labels for unlabelled images, as the official step makes them: the teacher
/// in eval mode, logits upsampled to the crop (bilinear, align_corners=True), softmax, then the max
/// probability as confidence and its class as label; optionally mixed (cutmix, cutout, classmix)
/// together with the images with a given probability.
/// </summary>
internal static class PseudoLabels
{
    public sealed record Result(Tensor Images, Tensor Labels, Tensor Confidence, bool Mixed);

    public static Result Make(SegmentationModel teacher, Tensor unlabeledImages, long height, long width)
    {
        teacher.Eval();
        using var noGrad = Torch.Torch.NoGrad();
        using var output = teacher.Forward(unlabeledImages);
        var probabilities = F.Softmax(Upsample.ToLabels(output.Prediction, height, width), 1);
        var (confidence, labels) = probabilities.Max(1);
        return new Result(unlabeledImages, labels, confidence, false);
    }

    /// <summary>Applies the strong mix with the given probability (one draw from <paramref name="generator"/>).</summary>
    public static Result MaybeMix(Result pseudo, string? mode, double probability, Generator generator)
    {
        if (mode is null || probability <= 0) return pseudo;
        double draw;
        using (Torch.Torch.NewDisposeScope()) draw = Torch.Torch.Rand(new long[] { 1 }, generator, ScalarType.Float64).Item();
        if (draw >= probability) return pseudo;
        var mixMode = mode switch
        {
            "cutmix" => MixMode.CutMix,
            "cutout" => MixMode.CutOut,
            "classmix" => MixMode.ClassMix,
            _ => throw new ArgumentException($"unknown mix '{mode}'"),
        };
        var (images, labels, confidence) = UnsupervisedMix.Apply(pseudo.Images, pseudo.Labels, pseudo.Confidence, mixMode, generator);
        return new Result(images, labels, confidence, true);
    }
}
