using SemiSeg.Data;
using SemiSeg.Models;
using SemiSeg.Tests.Data;
using SemiSeg.Tests.Methods;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

public class BackbonePretrainingTests
{
    private static FashionMnist Garments()
    {
        var random = new Random(3);
        var glyphs = new byte[12 * FashionMnist.GlyphSize * FashionMnist.GlyphSize];
        random.NextBytes(glyphs);
        return new FashionMnist(glyphs, Enumerable.Range(0, 12).Select(i => (byte)(i % 10)).ToArray());
    }

    [Fact]
    public void TheRotationTaskTurnsTheSameScenesAndLabelsTheTurns()
    {
        var garments = Garments();
        var classes = new BackbonePretraining.Options { BatchSize = 6, Size = 32, Seed = 5 };
        var rotation = classes with { Task = "rotation" };
        var mean = new[] { 0.0, 0.0, 0.0 };
        var std = new[] { 1.0, 1.0, 1.0 };
        var (plain, garmentClasses) = BackbonePretraining.Batch(garments, BackbonePretraining.SceneOptions(classes), classes, 1, mean, std);
        var (turned, turns) = BackbonePretraining.Batch(garments, BackbonePretraining.SceneOptions(rotation), rotation, 1, mean, std);

        Assert.All(garmentClasses, c => Assert.InRange(c, 0, 9));
        Assert.Equal(new long[] { 2, 3, 0, 1, 2, 3 }, turns);   // (step 1 x 6 + i) mod 4
        const int n = 32, plane = n * n;
        for (var i = 0; i < 6; i++)
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < n; y++)
                    for (var x = 0; x < n; x++)
                    {
                        // np.rot90(image, k): k counter-clockwise quarter turns.
                        var (sy, sx) = turns[i] switch
                        {
                            0 => (y, x),
                            1 => (x, n - 1 - y),
                            2 => (n - 1 - y, n - 1 - x),
                            _ => (n - 1 - x, y),
                        };
                        Assert.Equal(plain[(i * 3 + c) * plane + sy * n + sx], turned[(i * 3 + c) * plane + y * n + x]);
                    }
        Assert.Equal(4, rotation.OutputCount);
        Assert.Equal(10, classes.OutputCount);
        Assert.Throws<ArgumentException>(() => (classes with { Task = "jigsaw" }).OutputCount);
    }

    private static readonly NetConfig TinyNet = new()
    {
        Encoder = new EncoderConfig { Type = "resnet18", Width = 4, DeepStem = false, MultiGrid = false },
    };

    [Fact]
    public void AStoppedPreTrainingResumesToTheSameWeightsAsAnUninterruptedOne()
    {
        using var folder = new TempDirectory();
        var garments = Garments();
        var options = new BackbonePretraining.Options { Steps = 60, BatchSize = 4, Size = 32, LearningRate = 0.05, Seed = 2 };
        var whole = Path.Combine(folder.Path, "whole.pth");
        BackbonePretraining.Run(TinyNet, garments, whole, options);
        Assert.False(File.Exists(BackbonePretraining.ResumePath(whole)));   // removed once the encoder is written

        // Stopped after the step-50 progress line (the state saved there), then run again.
        var resumed = Path.Combine(folder.Path, "resumed.pth");
        using var stop = new CancellationTokenSource();
        var stopped = Assert.Throws<TrainingStoppedException>(() =>
            BackbonePretraining.Run(TinyNet, garments, resumed, options, (step, _, _) => { if (step == 50) stop.Cancel(); }, stop.Token));
        Assert.Contains("before step 51 of 60", stopped.Message);
        Assert.Contains(BackbonePretraining.ResumePath(resumed), stopped.Message);
        Assert.False(File.Exists(resumed));
        Assert.True(File.Exists(BackbonePretraining.ResumePath(resumed)));
        var progress = new List<int>();
        BackbonePretraining.Run(TinyNet, garments, resumed, options, (step, _, _) => progress.Add(step));
        Assert.Equal(new[] { 60 }, progress);   // it went on from step 50

        using var a = TorchFile.LoadDict(whole);
        using var b = TorchFile.LoadDict(resumed);
        var expected = a.ToTensors();
        var actual = b.ToTensors().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, tensor) in expected) TensorAssert.Close(tensor, actual[key], 0, key);   // bit-equal
    }

    [Fact]
    public void AResumeWithOtherOptionsIsRefusedNamingTheFileAndTheOption()
    {
        using var folder = new TempDirectory();
        var garments = Garments();
        var options = new BackbonePretraining.Options { Steps = 60, BatchSize = 4, Size = 32, LearningRate = 0.05 };
        var output = Path.Combine(folder.Path, "encoder.pth");
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        Assert.Throws<TrainingStoppedException>(() => BackbonePretraining.Run(TinyNet, garments, output, options, cancel: stop.Token));
        var error = Assert.Throws<InvalidDataException>(() => BackbonePretraining.Run(TinyNet, garments, output, options with { LearningRate = 0.1 }));
        Assert.Contains(BackbonePretraining.ResumePath(output), error.Message);
        Assert.Contains("lr 0.05", error.Message);
    }
}
