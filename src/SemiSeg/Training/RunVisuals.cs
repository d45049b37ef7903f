using SemiSeg.Data;
using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Reporting;

namespace SemiSeg.Training;

/// <summary>
/// The pictures a finished run leaves in visuals/ for `semiseg report`: a fixed set of validation
/// scenes (the first ones of the split, so every run shows the same) with truth and prediction, and
/// for U2PL the teacher's view of unlabelled scenes: entropy, the reliable/unreliable partition at
/// the final alpha_t, and the pseudo-label with its ignored pixels (the paper's Fig. 2).
/// </summary>
public static class RunVisuals
{
    public const int ValidationScenes = 6;
    public const int UnlabeledScenes = 2;

    public static void Write(string runDirectory, ExperimentConfig config, DataSources data, TrainingModels models,
                             ISegmentationMethod method, int lastEpoch)
    {
        var writer = new VisualsWriter(runDirectory, config.Net.NumClasses);
        var evaluated = method.ModelToEvaluate(lastEpoch, models);
        var augmentation = config.Data.ValAugmentation;
        for (var i = 0; i < Math.Min(ValidationScenes, data.Validation.Count); i++)
        {
            using var scope = Torch.Torch.NewDisposeScope();
            var sample = data.ValTransform.Apply(data.Validation.Read(i), DeterministicRandom.For(0, i));
            var prediction = Predict(evaluated, sample, config).Labels;
            writer.WriteValidationScene(sample.Id, Image(sample, augmentation), sample.Label.Select(b => (int)b).ToArray(), prediction);
        }
        if (method is not U2plMethod u2pl || data.Unlabeled is null || models.Teacher is null) return;
        var percent = u2pl.UnreliablePercentAt(lastEpoch, config.Trainer.Epochs);
        for (var i = 0; i < Math.Min(UnlabeledScenes, data.Unlabeled.Count); i++)
        {
            var sample = data.ValTransform.Apply(data.Unlabeled.Read(i), DeterministicRandom.For(0, i));
            var (labels, entropy, reliable) = TeacherView(models.Teacher, sample, config, percent);
            writer.WriteUnlabeledScene(sample.Id, Image(sample, augmentation), entropy, labels, reliable, percent);
        }
    }

    private static RgbImage Image(AugmentedSample sample, AugmentationOptions augmentation) =>
        RgbImage.FromNormalized(sample.Image, sample.Height, sample.Width, augmentation.Mean, augmentation.Std);

    private static (int[] Labels, Tensor Probabilities) Predict(SegmentationModel model, AugmentedSample sample, ExperimentConfig config)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var noGrad = Torch.Torch.NoGrad();
        model.Eval();
        var image = Tensor.From<float>(sample.Image, new long[] { 1, 3, sample.Height, sample.Width }, config.Device);
        var logits = F.Interpolate(model.Forward(image).Prediction, sample.Height, sample.Width, InterpolationMode.Bilinear, alignCorners: true);
        var probabilities = F.Softmax(logits, 1);
        var labels = probabilities.Argmax(1).To(ScalarType.Int32).To(Device.CPU).ToArray<int>();
        return (labels, scope.MoveToOuter(probabilities));
    }

    private static (int[] Labels, float[] Entropy, bool[] Reliable) TeacherView(SegmentationModel teacher, AugmentedSample sample,
                                                                               ExperimentConfig config, double unreliablePercent)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var (labels, probabilities) = Predict(teacher, sample, config);
        var pseudo = Tensor.From<int>(labels, new long[] { 1, sample.Height, sample.Width }, config.Device).Long();
        var partition = EntropyPartition.FromProbabilities(probabilities, pseudo);
        var entropy = partition.Entropy.To(Device.CPU).ToArray<float>();
        var reliable = partition.ReliableMask(unreliablePercent).To(Device.CPU).ToArray<bool>();
        return (labels, entropy, reliable);
    }
}
