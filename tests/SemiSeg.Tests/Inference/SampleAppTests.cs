using System.Diagnostics;
using SemiSeg.Export;
using SemiSeg.Inference;
using SemiSeg.Tests.Export;

namespace SemiSeg.Tests.Inference;

/// <summary>
/// The sample app (samples/SemiSeg.Inference.Sample), built with the tests from a clean clone, runs as
/// its own process on an exported model with nothing of SemiSeg's libtorch side beside it, and writes
/// the labels that the library computes in this process.
/// </summary>
public class SampleAppTests
{
    private static readonly string SampleDirectory =
        Path.Combine(RepositoryPaths.Root, "samples", "SemiSeg.Inference.Sample", "bin", "Release", "net10.0");

    [Fact]
    public void TheSampleSegmentsAnImageWithoutLibtorch()
    {
        var dll = Path.Combine(SampleDirectory, "SemiSeg.Inference.Sample.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built (the test project builds it)");
        Assert.False(File.Exists(Path.Combine(SampleDirectory, "libsemiseg_native.so")), "the sample's output holds the libtorch layer");
        Assert.False(File.Exists(Path.Combine(SampleDirectory, "SemiSeg.Torch.dll")), "the sample's output holds the libtorch binding");
        Assert.DoesNotContain("SemiSeg.Torch", File.ReadAllText(Path.Combine(SampleDirectory, "SemiSeg.Inference.Sample.deps.json")));

        var config = OnnxParity.Config("fashion/u2pl.yaml");
        using var model = OnnxParity.RandomNetwork(config.Net, seed: 21);
        var folder = Directory.CreateTempSubdirectory("semiseg-sample-").FullName;
        try
        {
            var (modelPath, imagePath, labelsPath) = (Path.Combine(folder, "m.onnx"), Path.Combine(folder, "scene.png"), Path.Combine(folder, "labels.png"));
            OnnxExporter.Write(model, OnnxParity.Options(config), modelPath);
            var pixels = new byte[30 * 34 * 3];
            new Random(4).NextBytes(pixels);
            ImageFile.Write(imagePath, new ByteImage(30, 34, 3, pixels));

            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { dll, modelPath, imagePath, labelsPath }) start.ArgumentList.Add(a);
            start.Environment.Remove("LD_LIBRARY_PATH");
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"sample exited {process.ExitCode}: {errors}");
            Assert.Contains("34x30, 11 classes", output);

            using var segmenter = new OnnxSegmenter(modelPath, threads: 1);
            var expected = segmenter.Segment(imagePath).Labels.Select(l => (byte)l).ToArray();
            Assert.Equal(expected, ImageFile.Read(labelsPath, ImageReadMode.Unchanged).Pixels);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
