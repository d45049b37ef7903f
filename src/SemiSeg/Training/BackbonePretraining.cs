using System.Diagnostics;
using SemiSeg.Data;
using SemiSeg.Models;
using SemiSeg.Torch.nn;
using SemiSeg.Torch.optim;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// FashionScenes' stand-in for ImageNet pre-training (U2PL starts from an ImageNet ResNet-101): the
/// configured encoder learns to classify single Fashion-MNIST training garments pasted on the
/// benchmark's textured backgrounds (global average pooling and a linear layer on stage 4), then its
/// weights are saved as a state dict for saver.backbone. Only training garments are used, so the
/// validation scenes (made of test garments) stay unseen.
/// </summary>
public static class BackbonePretraining
{
    public sealed record Options
    {
        public int Steps { get; init; } = 3000;
        public int BatchSize { get; init; } = 64;
        public int Size { get; init; } = 32;
        public double LearningRate { get; init; } = 0.1;
        public ulong Seed { get; init; }

        /// <summary>
        /// What the encoder learns to predict: the garment's class ("classes"), or, without any class
        /// label, by how many quarter turns the scene was rotated ("rotation", Gidaris et al. 2018).
        /// The second leaves garment identity to the labelled scenes, as ImageNet pre-training leaves
        /// VOC's classes to VOC's labels.
        /// </summary>
        public string Task { get; init; } = "classes";

        public int OutputCount => Task switch
        {
            "classes" => FashionMnist.ClassNames.Count,
            "rotation" => 4,
            _ => throw new ArgumentException($"pre-training task '{Task}': expected classes or rotation"),
        };
    }

    public sealed record Result(double Seconds, double FinalAccuracy, double FinalLoss);

    /// <summary>Steps between progress lines and between saves of the resume state.</summary>
    public const int ReportEvery = 50;

    /// <summary>Where a pre-training writing <paramref name="outPath"/> keeps its state until it finishes.</summary>
    public static string ResumePath(string outPath) => outPath + ".resume.pth";

    /// <param name="progress">called every 50 steps with (step, loss, accuracy over the last 50 steps)</param>
    /// <param name="cancel">checked before every step: when set, the state is saved for a resume and
    /// <see cref="TrainingStoppedException"/> is thrown (the CLI prints it and exits 3)</param>
    /// <remarks>
    /// Resumable: every 50 steps the encoder, the classifier, the momentum buffers and the step go to
    /// <see cref="ResumePath"/> (atomically); a later call with the same options continues from there and
    /// ends in the same weights as an uninterrupted run (every batch is a function of the seed and the
    /// step, and nothing else draws random numbers). The file is removed when the encoder is written.
    /// A ResNet-50 takes about an hour here, which a session's end or a stray kill must not throw away.
    /// </remarks>
    public static Result Run(NetConfig net, FashionMnist garments, string outPath, Options options, Action<int, double, double>? progress = null,
                             CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        using var generator = new Generator(options.Seed);
        using var encoder = new ResNet(net.Encoder.ToResNetOptions(), generator);
        using var classifier = new Linear(encoder.StageChannels[3], options.OutputCount, generator: generator);
        using var optimizer = new SGD(encoder.Parameters().Concat(classifier.Parameters()), options.LearningRate, momentum: 0.9, weightDecay: 1e-4);
        var scenes = SceneOptions(options);
        var mean = new[] { 123.675, 116.28, 103.53 };
        var std = new[] { 58.395, 57.12, 57.375 };
        double lossSum = 0, correct = 0, seen = 0, lastLoss = 0, lastAccuracy = 0;
        encoder.Train();
        classifier.Train();
        var resumePath = ResumePath(outPath);
        var start = File.Exists(resumePath) ? PretrainingState.Restore(resumePath, encoder, classifier, optimizer, options) : 0;
        for (var step = start; step < options.Steps; step++)
        {
            if (cancel.IsCancellationRequested)
            {
                PretrainingState.Save(resumePath, step, encoder, classifier, optimizer, options);
                throw new TrainingStoppedException($"encoder pre-training stopped before step {step + 1} of {options.Steps}; " +
                                                   $"the same command continues it from {resumePath}");
            }
            var (pixels, labels) = Batch(garments, scenes, options, step, mean, std);
            using var scope = Torch.Torch.NewDisposeScope();
            var images = Tensor.From<float>(pixels, new long[] { options.BatchSize, 3, options.Size, options.Size });
            var target = Tensor.From<long>(labels, new long[] { options.BatchSize });
            var pooled = F.AdaptiveAvgPool2d(encoder.Forward(images).Stage4, 1, 1).Flatten(1);
            var logits = classifier.Forward(pooled);
            var loss = F.CrossEntropy(logits, target);
            optimizer.ZeroGrad();
            loss.Backward();
            PolyLR.Apply(optimizer, step, options.Steps);
            optimizer.Step();
            lossSum += loss.Item();
            correct += logits.Argmax(1).Eq(target).Sum(ScalarType.Float64).Item();
            seen += options.BatchSize;
            if ((step + 1) % ReportEvery == 0 || step == options.Steps - 1)
            {
                lastLoss = lossSum / Math.Max(1, seen / options.BatchSize);
                lastAccuracy = correct / seen;
                progress?.Invoke(step + 1, lastLoss, lastAccuracy);
                lossSum = correct = seen = 0;
                if (step + 1 < options.Steps) PretrainingState.Save(resumePath, step + 1, encoder, classifier, optimizer, options);
            }
        }
        TorchFile.SaveStateDict(outPath, encoder);
        File.Delete(resumePath);
        return new Result(clock.Elapsed.TotalSeconds, lastAccuracy, lastLoss);
    }

    /// <summary>Scenes of one garment each, at the pre-training size.</summary>
    internal static FashionScenesOptions SceneOptions(Options options) =>
        new() { Size = options.Size, MinGarments = 1, MaxGarments = 1, MinScale = 0.8, MaxScale = 1.2, TrainScenes = 2, ValScenes = 1 };

    /// <summary>
    /// One batch of single-garment scenes, normalised, CHW; the label is the garment's class (0-9), or
    /// for the rotation task the number of quarter turns (0-3, counter-clockwise) applied to the scene.
    /// </summary>
    internal static (float[] Pixels, long[] Labels) Batch(FashionMnist garments, FashionScenesOptions scenes, Options options, int step,
                                                         double[] mean, double[] std)
    {
        var plane = options.Size * options.Size;
        var pixels = new float[options.BatchSize * 3 * plane];
        var labels = new long[options.BatchSize];
        Parallel.For(0, options.BatchSize, i =>
        {
            var (image, _, pasted) = FashionScene.Render(garments, scenes, DeterministicRandom.For(options.Seed, 0x5052_4554, step, i));
            var turns = options.Task == "rotation" ? (step * options.BatchSize + i) % 4 : 0;
            labels[i] = options.Task == "rotation" ? turns : pasted[0].Class - 1;
            var n = options.Size;
            for (var y = 0; y < n; y++)
                for (var x = 0; x < n; x++)
                {
                    // The output pixel (y, x) of a counter-clockwise quarter turn comes from (x, n-1-y).
                    var (sy, sx) = (y, x);
                    for (var t = 0; t < turns; t++) (sy, sx) = (sx, n - 1 - sy);
                    for (var c = 0; c < 3; c++)
                        pixels[(i * 3 + c) * plane + y * n + x] = (float)((image.Pixels[(sy * n + sx) * 3 + c] - mean[c]) / std[c]);
                }
        });
        return (pixels, labels);
    }
}
