using SemiSeg.Torch.nn;
using SemiSeg.Torch.optim;

namespace SemiSeg.Bench;

/// <summary>
/// Runs many training steps of a small conv net and prints resident memory along the way: it
/// must stay flat once the allocator has warmed up (every step's tensors are disposed).
/// </summary>
internal static class MemoryBench
{
    public static int Run(string[] args)
    {
        var steps = args.Length > 0 ? int.Parse(args[0]) : 2000;
        using var generator = new Generator(0);
        using var net = new Sequential(
            new Conv2d(3, 16, 3, padding: 1, generator: generator), new BatchNorm2d(16), new ReLU(),
            new Conv2d(16, 16, 3, padding: 1, generator: generator), new BatchNorm2d(16), new ReLU(),
            new Conv2d(16, 5, 1, generator: generator));
        using var optimizer = new SGD(net.Parameters(), lr: 0.01, momentum: 0.9, weightDecay: 1e-4);
        var liveAtStart = Tensor.LiveCount;
        Console.WriteLine("| step | resident MiB | managed allocated MiB (not yet collected) | gen-0 GCs so far | live tensors | loss |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (var step = 1; step <= steps; step++)
        {
            using var scope = Torch.Torch.NewDisposeScope();
            var images = Torch.Torch.Randn(new long[] { 8, 3, 32, 32 }, generator);
            var labels = Torch.Torch.Randint(0, 5, new long[] { 8, 32, 32 }, generator);
            var loss = F.CrossEntropy(net.Forward(images), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            PolyLR.Apply(optimizer, step, steps + 1);
            optimizer.Step();
            if (step == 1 || step % (steps / 8) == 0)
                Console.WriteLine($"| {step} | {Timing.ResidentMiB():F1} | {GC.GetTotalMemory(false) / 1048576.0:F1} | {GC.CollectionCount(0)} | {Tensor.LiveCount - liveAtStart} | {loss.Item():F4} |");
        }
        Console.WriteLine($"\ntensors finalized by the GC instead of disposed: {Tensor.FinalizedCount}");
        return 0;
    }
}
