using SemiSeg.Torch.nn;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Bench;

/// <summary>
/// conv2d forward+backward throughput in this process, the yardstick for a step's GFLOP/s: the 3x3
/// conv of bench/engine.sh (4x256x65x65) and one of the reference network's decoder convs
/// (4x512x25x25 -> 256, the concatenated ASPP and low-level features at a 97x97 crop).
/// </summary>
internal static class ConvThroughput
{
    public sealed record Row(string Shape, double Gflop, double Seconds)
    {
        public double GflopPerSecond => Gflop / Seconds;
    }

    public sealed record Result(IReadOnlyList<Row> Rows, int Threads)
    {
        public double Best => Rows.Max(r => r.GflopPerSecond);
    }

    public static Result Measure()
    {
        var rows = new[] { Conv(4, 256, 256, 65), Conv(4, 512, 256, 25) };
        return new Result(rows, T.NumThreads);
    }

    public static void Print(Result result)
    {
        Console.WriteLine($"### conv2d throughput in the same run ({result.Threads} threads, 3x3, forward+backward)");
        Console.WriteLine();
        Console.WriteLine("| input -> output channels | GFLOP | seconds | GFLOP/s |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var r in result.Rows) Console.WriteLine($"| {r.Shape} | {r.Gflop:F2} | {r.Seconds:F3} | {r.GflopPerSecond:F1} |");
        Console.WriteLine();
    }

    private static Row Conv(long n, long inChannels, long outChannels, long size)
    {
        using var generator = new Generator(0);
        using var conv = new Conv2d(inChannels, outChannels, 3, padding: 1, bias: false, generator: generator);
        using var input = T.Randn(new[] { n, inChannels, size, size }, generator).RequiresGrad_();
        // forward: 2 N Cout H W Cin 9 flops; the backward computes input and weight gradients: twice that.
        var gflop = 3 * 2.0 * n * outChannels * size * size * inChannels * 9 / 1e9;
        var seconds = Timing.MedianSeconds(() =>
        {
            using var scope = T.NewDisposeScope();
            conv.Forward(input).Sum().Backward();
            input.Grad = null;
            conv.ZeroGrad();
        });
        return new Row($"{n}x{inChannels}x{size}x{size} -> {outChannels}", gflop, seconds);
    }
}
