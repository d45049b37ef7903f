using Xunit.Abstractions;
using SemiSeg.Evaluation;
using SemiSeg.Export;
using SemiSeg.Inference;
using SemiSeg.Tests.Export;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Inference;

/// <summary>
/// SemiSeg.Inference segments an image as SemiSeg's own Predictor does with the libtorch network:
/// whole images with a dynamic export, sliding windows (stride 2/3, zero padding, averaged
/// probabilities) with a fixed-size one, including an image smaller than the window.
/// </summary>
public class OnnxSegmenterTests(ITestOutputHelper log)
{
    private static byte[] RandomPixels(int height, int width, int seed)
    {
        var pixels = new byte[height * width * 3];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    private (double Difference, double AgreeingLabels) CompareWithPredictor(OnnxSegmenter onnx, SemiSeg.Models.SegmentationModel model, int[]? window,
                                                                            int height, int width, int seed)
    {
        var image = new RgbImage(height, width, RandomPixels(height, width, seed));
        var result = onnx.Segment(image);
        using var scope = T.NewDisposeScope();
        var predictor = new Predictor(x => model.Forward(x).Prediction, model.Config.NumClasses) { WindowSize = window };
        var expected = predictor.Scores(Tensor.From<float>(onnx.Normalise(image), new long[] { 1, 3, height, width })).Contiguous().ToArray<float>();
        var expectedLabels = predictor.Predict(Tensor.From<float>(onnx.Normalise(image), new long[] { 1, 3, height, width })).Contiguous().ToArray<long>();
        var agreeing = result.Labels.Zip(expectedLabels, (a, b) => a == b ? 1.0 : 0.0).Average();
        var difference = OnnxParity.MaxAbsDifference(result.Probabilities, expected);
        log.WriteLine($"{height}x{width}, window {(window is null ? "none" : $"{window[0]}x{window[1]}")}: max |p_onnx - p_torch| = {difference:E2}, equal labels {agreeing:P2}");
        return (difference, agreeing);
    }

    [Fact]
    public void SlidingWindowsOfAFixedExportMatchThePredictor()
    {
        var config = OnnxParity.Config("fashion/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 11);
        var path = OnnxParity.TempModel();
        try
        {
            OnnxExporter.Write(model, OnnxParity.Options(config, 32, 32), path);
            using var onnx = new OnnxSegmenter(path, threads: 1);
            Assert.Equal((32, 32), onnx.Window);
            foreach (var (h, w, seed) in new[] { (40, 57, 1), (24, 20, 2) })
            {
                var (difference, agreeing) = CompareWithPredictor(onnx, model, new[] { 32, 32 }, h, w, seed);
                Assert.True(difference < 1e-4, $"{h}x{w}: max probability difference {difference:E2}");
                Assert.True(agreeing > 0.999, $"{h}x{w}: only {agreeing:P2} of the labels agree");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ADynamicExportSegmentsWholeImagesAsThePredictor()
    {
        var config = OnnxParity.Config("fashion/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 12);
        var path = OnnxParity.TempModel();
        try
        {
            OnnxExporter.Write(model, OnnxParity.Options(config), path);
            using var onnx = new OnnxSegmenter(path, threads: 1);
            Assert.Null(onnx.Window);
            var (difference, agreeing) = CompareWithPredictor(onnx, model, null, 45, 38, 3);
            Assert.True(difference < 1e-4, $"max probability difference {difference:E2}");
            Assert.True(agreeing > 0.999, $"only {agreeing:P2} of the labels agree");
            var result = onnx.Segment(RandomPixels(45, 38, 3), 45, 38);
            Assert.Equal(45 * 38, result.PixelCounts().Sum());
            for (var i = 0; i < 45 * 38; i += 97)
                Assert.Equal(1.0, Enumerable.Range(0, result.NumClasses).Sum(c => (double)result.Probabilities[c * 45 * 38 + i]), 4);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingOrForeignModelIsOneClearError()
    {
        Assert.Contains("no such model", Assert.Throws<FileNotFoundException>(() => new OnnxSegmenter("/nonexistent/model.onnx")).Message);
        var path = OnnxParity.TempModel();
        try
        {
            File.WriteAllText(path, "not a model");
            var error = Assert.Throws<InvalidDataException>(() => new OnnxSegmenter(path));
            Assert.Contains(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SlidingWindowStartsMatchThePredictors()
    {
        foreach (var (size, window, stride) in new[] { (100, 32, 22), (32, 32, 22), (20, 32, 22), (65, 64, 43) })
            Assert.Equal(Predictor.Starts(size, window, stride).Select(s => (int)s), SlidingWindow.Starts(size, window, stride));
    }
}
