using Xunit.Abstractions;
using SemiSeg.Cli.Commands;
using SemiSeg.Inference;
using SemiSeg.Tests.Training;
using SemiSeg.Training;

namespace SemiSeg.Tests.Export;

/// <summary>
/// `semiseg export` writes the network the checkpoint's score belongs to, and `semiseg predict --onnx`
/// writes the label PNGs that `semiseg predict --checkpoint` writes, on a tiny trained FashionScenes run.
/// </summary>
public class ExportCommandTests(TinyFashionRun tiny, ITestOutputHelper log) : IClassFixture<TinyFashionRun>
{
    private static int Cli(params string[] args) => SemiSegCommand.Create().Parse(args).Invoke();

    [Fact]
    public void ExportChoosesTheEvaluatedNetworkAndPredictOnnxWritesTheSameLabels()
    {
        // Both epochs are warm start: the student is scored, and the teacher is another network.
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.sup_only_epoch=2" });
        var run = tiny.NewRunDirectory();
        new Trainer(config, run).Run();
        var best = Path.Combine(run, Checkpoint.Best);
        var onnxPath = Path.Combine(run, "model.onnx");
        Assert.Equal(0, Cli("export", "--checkpoint", best, "--onnx", onnxPath, "--threads", "1"));

        var experiment = CheckpointConfig.Load(null, best, Array.Empty<string>());
        using (var onnx = new OnnxSegmenter(onnxPath, threads: 1))
        using (var student = CheckpointConfig.LoadModels(experiment, best, "student", out var studentNet))
        using (var teacher = CheckpointConfig.LoadModels(experiment, best, "teacher", out var teacherNet))
        {
            studentNet.Eval();
            teacherNet.Eval();
            Assert.Equal(FashionScenesClassNames(), onnx.Info.ClassNames);
            var (toStudent, scale) = OnnxParity.Compare(onnx, studentNet, 1, 32, 32, seed: 1);
            var (toTeacher, _) = OnnxParity.Compare(onnx, teacherNet, 1, 32, 32, seed: 1);
            log.WriteLine($"max |ONNX - student| = {toStudent:E2}, max |ONNX - teacher| = {toTeacher:E2} (max |logit| {scale:F3})");
            Assert.True(toStudent < 1e-4, $"the export is not the evaluated student: {toStudent:E2}");
            Assert.True(toTeacher > 1e-3, "student and teacher give the same logits, so the test tells nothing");
        }

        var images = Path.Combine(run, "val-images");
        Directory.CreateDirectory(images);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(tiny.DataRoot, "images"), "val_*.png"))
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var (torchOut, onnxOut) = (Path.Combine(run, "pred-torch"), Path.Combine(run, "pred-onnx"));
        Assert.Equal(0, Cli("predict", "--checkpoint", best, "--input", images, "--output", torchOut));
        Assert.Equal(0, Cli("predict", "--onnx", onnxPath, "--input", images, "--output", onnxOut, "--threads", "1"));
        var labels = Directory.GetFiles(torchOut, "*_label.png").Order().ToArray();
        Assert.Equal(8, labels.Length);
        long equal = 0, total = 0;
        foreach (var file in labels)
        {
            var expected = ImageFile.Read(file, ImageReadMode.Unchanged).Pixels;
            var actual = ImageFile.Read(Path.Combine(onnxOut, Path.GetFileName(file)), ImageReadMode.Unchanged).Pixels;
            equal += expected.Zip(actual, (a, b) => a == b ? 1 : 0).Sum();
            total += expected.Length;
        }
        log.WriteLine($"equal label pixels: {equal} of {total}");
        Assert.Equal(total, equal);
    }

    [Fact]
    public void ConflictingOrInapplicableOptionsAreRefused()
    {
        var missing = Path.Combine(tiny.Root, "none.pth");
        var onnx = Path.Combine(tiny.Root, "never.onnx");
        Assert.Equal(1, Cli("export", "--checkpoint", missing, "--onnx", onnx, "--height", "32"));
        Assert.Equal(1, Cli("export", "--checkpoint", missing, "--onnx", onnx, "--height", "32", "--width", "32", "--dynamic"));
        Assert.Equal(1, Cli("export", "--checkpoint", missing, "--onnx", onnx));
        Assert.False(File.Exists(onnx));
        Assert.Equal(1, Cli("predict", "--onnx", onnx, "--input", tiny.DataRoot, "--output", tiny.Root, "--flip"));
        Assert.Equal(1, Cli("predict", "--input", tiny.DataRoot, "--output", tiny.Root));
    }

    private static IReadOnlyList<string> FashionScenesClassNames() => SemiSeg.Data.FashionScenes.ClassNames;
}
