using SemiSeg.Evaluation;

namespace SemiSeg.Tests.Evaluation;

public class ConfusionMatrixTests
{
    [Fact]
    public void MatchesAHandComputedMatrixAndSkipsIgnoredPixels()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        // truth:      0 0 1 1 2 255
        // prediction: 0 1 1 1 0 2
        var truth = Tensor.From(new long[] { 0, 0, 1, 1, 2, 255 }, 1, 2, 3);
        var prediction = Tensor.From(new long[] { 0, 1, 1, 1, 0, 2 }, 1, 2, 3);
        using var matrix = new ConfusionMatrix(3);
        matrix.Update(prediction, truth);
        var m = matrix.Counts();
        Assert.Equal(new long[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 1, 0, 0 } }, m);
        // class 0: I=1, U=2+2-1=3; class 1: I=2, U=2+3-2=3; class 2: I=0, U=1+0-0=1
        var iou = matrix.IoU();
        Assert.Equal(1.0 / 3, iou[0], 12);
        Assert.Equal(2.0 / 3, iou[1], 12);
        Assert.Equal(0.0, iou[2], 12);
        Assert.Equal((1.0 / 3 + 2.0 / 3 + 0) / 3, matrix.MeanIoU(), 12);
        Assert.Equal(3.0 / 5, matrix.PixelAccuracy(), 12);
    }

    [Fact]
    public void AccumulatesOverBatchesAndSkipsAbsentClasses()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        using var matrix = new ConfusionMatrix(4);
        matrix.Update(Tensor.From(new long[] { 1, 1 }, 2), Tensor.From(new long[] { 1, 1 }, 2));
        matrix.Update(Tensor.From(new long[] { 0, 1 }, 2), Tensor.From(new long[] { 0, 0 }, 2));
        // class 0: I=1, U=2; class 1: I=2, U=3; classes 2, 3 never occur
        var iou = matrix.IoU();
        Assert.True(double.IsNaN(iou[2]) && double.IsNaN(iou[3]));
        Assert.Equal((0.5 + 2.0 / 3) / 2, matrix.MeanIoU(), 12);
    }

    [Fact]
    public void RejectsLabelsOutsideTheClassRange()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        using var matrix = new ConfusionMatrix(3);
        var error = Assert.Throws<ArgumentException>(() => matrix.Update(Tensor.From(new long[] { 0 }, 1), Tensor.From(new long[] { 7 }, 1)));
        Assert.Contains("outside [0, 3)", error.Message);
    }

    [Fact]
    public void SlidingWindowsCoverTheImageWithTheLastFlushToTheEnd()
    {
        Assert.Equal(new long[] { 0 }, Predictor.Starts(10, 10, 7));
        Assert.Equal(new long[] { 0, 7, 14, 20 }, Predictor.Starts(30, 10, 7));
        Assert.Equal(new long[] { 0 }, Predictor.Starts(5, 10, 7));
    }

    [Fact]
    public void SlidingPredictionOfAPixelwiseNetworkEqualsTheFullImagePrediction()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        using var generator = new Generator(3);
        var weight = SemiSeg.Torch.Torch.Randn(new long[] { 5, 3, 1, 1 }, generator);
        Func<Tensor, Tensor> net = x => F.Conv2d(x, weight);   // 1x1 conv: each pixel on its own
        var images = SemiSeg.Torch.Torch.Randn(new long[] { 2, 3, 23, 31 }, generator);
        var full = new Predictor(net, 5).Scores(images);
        var sliding = new Predictor(net, 5) { WindowSize = new[] { 10, 12 } }.Scores(images);
        var flipped = new Predictor(net, 5) { Flip = true }.Scores(images);
        Assert.True((full - sliding).Abs().Max().Item() < 1e-6);
        Assert.True((full * 2 - flipped).Abs().Max().Item() < 1e-5);
    }
}
