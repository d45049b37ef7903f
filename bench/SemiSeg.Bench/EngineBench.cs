using SemiSeg.Torch.nn;

namespace SemiSeg.Bench;

/// <summary>
/// The binding's cost: one small op (2x2 add) through C# against the same op from C++ (numbers
/// passed in by bench/engine.sh), and conv2d forward+backward throughput at a realistic size.
/// </summary>
internal static class EngineBench
{
    public static int Run(string[] args)
    {
        var nativeDirect = args.Length > 0 ? double.Parse(args[0]) : double.NaN;
        var nativeBoxed = args.Length > 1 ? double.Parse(args[1]) : double.NaN;
        var threads = Torch.Torch.NumThreads;

        Torch.Torch.NumThreads = 1;
        var a = Torch.Torch.Ones(new long[] { 2, 2 });
        var b = Torch.Torch.Ones(new long[] { 2, 2 });
        const int calls = 200_000;
        var csharpUs = Timing.MedianSeconds(() => { (a + b).Dispose(); }, rounds: 5, callsPerRound: calls) * 1e6;
        var scopedUs = Timing.MedianSeconds(() =>
        {
            using var scope = Torch.Torch.NewDisposeScope();
            _ = a + b;
        }, rounds: 5, callsPerRound: calls) * 1e6;
        Torch.Torch.NumThreads = threads;

        Console.WriteLine($"| small op (2x2 add), 1 thread | native C++ at::add | native boxed dispatcher | C# binding | C# binding in a dispose scope |");
        Console.WriteLine($"|---|---|---|---|---|");
        Console.WriteLine($"| microseconds per call | {nativeDirect:F2} | {nativeBoxed:F2} | {csharpUs:F2} | {scopedUs:F2} |");
        Console.WriteLine();

        Console.WriteLine($"| conv2d 3x3, forward+backward, {threads} threads | input | GFLOP | seconds | GFLOP/s |");
        Console.WriteLine($"|---|---|---|---|---|");
        foreach (var (n, c, hw) in new[] { (4L, 256L, 65L), (8L, 64L, 96L) })
            ConvRow(n, c, hw);
        MatmulRow();
        return 0;
    }

    private static void ConvRow(long n, long channels, long size)
    {
        using var generator = new Generator(0);
        using var conv = new Conv2d(channels, channels, 3, padding: 1, bias: false, generator: generator);
        using var input = Torch.Torch.Randn(new[] { n, channels, size, size }, generator).RequiresGrad_();
        // forward: 2 * N * Cout * H * W * Cin * 9 flops; backward computes input and weight grads: twice that.
        var gflop = 3 * 2.0 * n * channels * size * size * channels * 9 / 1e9;
        var seconds = Timing.MedianSeconds(() =>
        {
            using var scope = Torch.Torch.NewDisposeScope();
            var y = conv.Forward(input);
            y.Sum().Backward();
            input.Grad = null;
            conv.ZeroGrad();
        });
        Console.WriteLine($"| | {n}x{channels}x{size}x{size} -> {channels} | {gflop:F2} | {seconds:F3} | {gflop / seconds:F1} |");
    }

    private static void MatmulRow()
    {
        using var generator = new Generator(0);
        using var x = Torch.Torch.Randn(new long[] { 1024, 1024 }, generator);
        var seconds = Timing.MedianSeconds(() => x.Mm(x).Dispose(), rounds: 7);
        var gflop = 2.0 * 1024 * 1024 * 1024 / 1e9;
        Console.WriteLine($"| matmul 1024x1024 (BLAS check) | | {gflop:F2} | {seconds:F4} | {gflop / seconds:F1} |");
    }
}
