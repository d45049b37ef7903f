using System.Diagnostics;
using SemiSeg.Models;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Bench;

/// <summary>
/// Times the U2PL network's forward and forward+backward on the CPU and prints one Markdown table row
/// per case; bench/models.sh records them in bench/RESULTS.md. --quick: fewer repetitions; --threads N.
/// </summary>
internal static class ModelsBench
{
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var threadsAt = Array.IndexOf(args, "--threads");
        if (threadsAt >= 0) T.NumThreads = int.Parse(args[threadsAt + 1]);
        var cases = new[]
        {
            new BenchCase("ResNet-101 DeepLabv3+ (U2PL VOC), 513x513", NetConfig.PascalVoc(), 1, 513, quick ? 1 : 3),
            new BenchCase("CPU-small: ResNet-18/2 DeepLabv3+ 64-ch, 96x96", NetConfig.CpuSmall(numClasses: 11), 8, 96, quick ? 2 : 20),
        };

        Console.WriteLine($"libtorch threads: {T.NumThreads}");
        Console.WriteLine();
        Console.WriteLine("| case | batch | params | forward GMAC | forward s, best / median | forward GFLOP/s (best) | fwd+bwd s, best / median | fwd+bwd GFLOP/s (best) | BN in fwd+bwd |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in cases) Console.WriteLine(c.Run());
        return 0;
    }
}

/// <summary>
/// One network, batch and size, timed over <paramref name="Repeats"/> runs after one warm-up. The best run is
/// the figure least disturbed by other work on a shared machine; the median shows the spread.
/// </summary>
internal sealed record BenchCase(string Name, NetConfig Config, long Batch, long Size, int Repeats)
{
    public string Run()
    {
        using var generator = new Generator(0);
        using var model = ModelBuilder.Build(Config, generator);
        var shape = new[] { Batch, 3L, Size, Size };
        model.Eval();
        var macs = MacCounter.Count(model, shape);
        var forward = Time(() =>
        {
            using var scope = T.NewDisposeScope();
            using var noGrad = T.NoGrad();
            using var output = model.Forward(T.Randn(shape, generator));
            _ = output.Prediction.Sum().Item();   // reading a value waits for the work to finish
        });
        // Batch statistics need more than one value per channel after the ASPP's image pooling, so a batch of 1
        // runs the backward pass with batch norm on running statistics (as a frozen-BN fine-tune would).
        var trainMode = Batch > 1;
        model.Train(trainMode);
        var backward = Time(() =>
        {
            using var scope = T.NewDisposeScope();
            model.ZeroGrad();
            using var output = model.Forward(T.Randn(shape, generator));
            var loss = output.Prediction.Mean();
            if (output.Representation is { } rep) loss = loss + rep.Mean();
            loss.Backward();
        });
        var parameters = model.Parameters().Sum(p => p.NumEl);
        // FLOP = 2 per multiply-add; a backward pass costs about twice the forward (input and weight gradients).
        var gflop = 2.0 * macs / 1e9;
        return $"| {Name} | {Batch} | {parameters / 1e6:F2} M | {macs / 1e9:F2} | {forward.Best:F3} / {forward.Median:F3} | {gflop / forward.Best:F1} " +
               $"| {backward.Best:F3} / {backward.Median:F3} | {3 * gflop / backward.Best:F1} | {(trainMode ? "train" : "eval")} |";
    }

    private (double Best, double Median) Time(Action run)
    {
        run();
        var times = new List<double>();
        for (var k = 0; k < Repeats; k++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return (times[0], times[times.Count / 2]);
    }
}
