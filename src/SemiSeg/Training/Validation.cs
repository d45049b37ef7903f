using SemiSeg.Data;
using SemiSeg.Evaluation;
using SemiSeg.Models;

namespace SemiSeg.Training;

/// <summary>
/// Evaluates a model on the validation set: one confusion matrix over all pixels (255 ignored), in
/// center-crop, full-image or sliding-window mode, optionally with flips and several scales.
/// </summary>
public static class Validation
{
    public sealed record Result(double MeanIoU, double[] IoU, double PixelAccuracy, long[,] Confusion);

    /// <param name="loader">the validation images, or in a data-parallel run this rank's share of them
    /// (<see cref="DataSources.ValidationShard"/>; null for a rank with none): the counts are summed over the ranks</param>
    public static Result Run(SegmentationModel model, PrefetchLoader? loader, DataConfig data, int numClasses, Device device,
                             bool flip = false, double[]? scales = null, DistributedTraining? distributed = null)
    {
        model.Eval();
        var predictor = new Predictor(images => model.Forward(images).Prediction, numClasses)
        {
            Flip = flip,
            Scales = scales ?? new[] { 1.0 },
            WindowSize = data.ValMode == "sliding" && data.ValWindow is { } w ? new[] { w.Height, w.Width } : null,
        };
        using var matrix = new ConfusionMatrix(numClasses, device);
        using (Torch.Torch.NoGrad())
        {
            foreach (var batch in loader?.Epoch(0) ?? [])
            {
                using var scope = Torch.Torch.NewDisposeScope();
                using var tensors = batch.ToTensors(device);
                matrix.Update(predictor.Predict(tensors.Images), tensors.Labels);
            }
        }
        distributed?.SumOverRanks(matrix);
        return new Result(matrix.MeanIoU(), matrix.IoU(), matrix.PixelAccuracy(), matrix.Counts());
    }
}
