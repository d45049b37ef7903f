using Xunit.Abstractions;
using SemiSeg.Export;
using SemiSeg.Inference;

namespace SemiSeg.Tests.Export;

/// <summary>
/// semiseg export's graph run by ONNX Runtime (which checks the model when it creates the session)
/// gives our libtorch eval forward's logits to 1e-4: for the FashionScenes preset network and for the
/// official VOC ResNet-101 DeepLabv3+, random weights, small odd-sized inputs (so that the deep stem's
/// ceil-mode pooling and the align_corners resizes see uneven sizes).
/// </summary>
public class OnnxExporterTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-4;

    /// <param name="relative">compare the difference to 1e-4 of the largest logit instead of to 1e-4 absolute</param>
    private void AssertParity(OnnxSegmenter onnx, SemiSeg.Models.SegmentationModel model, int batch, int height, int width, int seed, string what,
                              bool relative = false)
    {
        var (difference, scale) = OnnxParity.Compare(onnx, model, batch, height, width, seed);
        log.WriteLine($"{what} {batch}x3x{height}x{width}: max |ONNX Runtime - libtorch| = {difference:E2} (max |logit| = {scale:F3}, relative {difference / scale:E2})");
        Assert.True(scale > 0.1, $"{what}: logits too small ({scale}) to test anything");
        var limit = relative ? Tolerance * scale : Tolerance;
        Assert.True(difference < limit, $"{what}: max |ONNX Runtime - libtorch| = {difference:E2} (limit {limit:E2})");
    }

    [Fact]
    public void FashionPresetDynamicExportMatchesLibtorchAtTwoSizes()
    {
        var config = OnnxParity.Config("fashion/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 1);
        var path = OnnxParity.TempModel();
        try
        {
            OnnxExporter.Write(model, OnnxParity.Options(config), path);
            using var onnx = new OnnxSegmenter(path, threads: 1);
            Assert.Null(onnx.Info.InputSize);
            AssertParity(onnx, model, 2, 64, 64, seed: 2, "fashion dynamic");
            AssertParity(onnx, model, 1, 37, 53, seed: 3, "fashion dynamic");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FashionPresetFixedExportMatchesLibtorchAndRefusesOtherSizes()
    {
        var config = OnnxParity.Config("fashion/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 4);
        var path = OnnxParity.TempModel();
        try
        {
            OnnxExporter.Write(model, OnnxParity.Options(config, 48, 40), path);
            using var onnx = new OnnxSegmenter(path, threads: 1);
            Assert.Equal((48, 40), onnx.Info.InputSize);
            AssertParity(onnx, model, 1, 48, 40, seed: 5, "fashion 48x40");
            var error = Assert.Throws<ArgumentException>(() => onnx.Logits(new float[3 * 40 * 40], 1, 40, 40));
            Assert.Contains("48x40", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OfficialVocResNet101MatchesLibtorch()
    {
        var config = OnnxParity.Config("pascal/1464/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 6);
        var path = OnnxParity.TempModel();
        try
        {
            OnnxExporter.Write(model, OnnxParity.Options(config), path);
            using var onnx = new OnnxSegmenter(path, threads: 2);
            // Measured: 2.0e-3 at a largest logit of 52 (4e-5 of it): float32 rounding of two different conv
            // implementations (ONNX Runtime also folds the norms into the convs) over 100 layers, so the
            // bound here is 1e-4 of the largest logit; a structural difference would be of the logits' order.
            AssertParity(onnx, model, 1, 41, 35, seed: 7, "VOC ResNet-101", relative: true);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MetadataCarriesNormalisationClassNamesAndWindow()
    {
        var config = OnnxParity.Config("fashion/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 8);
        var path = OnnxParity.TempModel();
        var options = OnnxParity.Options(config) with { Window = (24, 32) };
        try
        {
            OnnxExporter.Write(model, options, path);
            using var onnx = new OnnxSegmenter(path, threads: 1);
            Assert.Equal(new[] { 123.675, 116.28, 103.53 }, onnx.Info.Mean);
            Assert.Equal(new[] { 58.395, 57.12, 57.375 }, onnx.Info.Std);
            Assert.Equal(options.ClassNames, onnx.Info.ClassNames);
            Assert.Equal((24, 32), onnx.Window);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadOptionsAreRefusedBeforeAnythingIsWritten()
    {
        var config = OnnxParity.Config("fashion/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 9);
        var path = OnnxParity.TempModel();
        var wrongClasses = OnnxParity.Options(config) with { ClassNames = new[] { "a", "b" } };
        Assert.Contains("2 class names", Assert.Throws<ArgumentException>(() => OnnxExporter.Write(model, wrongClasses, path)).Message);
        var halfSize = OnnxParity.Options(config, 32, null);
        Assert.Throws<ArgumentException>(() => OnnxExporter.Write(model, halfSize, path));
        Assert.False(File.Exists(path));
    }
}
