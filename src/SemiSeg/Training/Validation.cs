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

    public static Result Run(SegmentationModel model, PrefetchLoader loader, DataConfig data, int numClasses, Device device,
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
            var index = 0;
            foreach (var batch in loader.Epoch(0))
            {
                // Data-parallel: each rank predicts its share of the batches; the counts are summed below.
                if (distributed is not null && !distributed.OwnsBatch(index++)) continue;
                using var scope = Torch.Torch.NewDisposeScope();
                using var tensors = batch.ToTensors(device);
                matrix.Update(predictor.Predict(tensors.Images), tensors.Labels);
            }
        }
        distributed?.SumOverRanks(matrix);
        return new Result(matrix.MeanIoU(), matrix.IoU(), matrix.PixelAccuracy(), matrix.Counts());
    }
}
