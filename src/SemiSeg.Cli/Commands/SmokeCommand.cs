using System.CommandLine;
using System.Diagnostics;
using SemiSeg.Torch;
using SemiSeg.Torch.nn;
using SemiSeg.Torch.optim;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg smoke`: checks the engine in seconds: a tiny conv net learns a synthetic per-pixel
/// task with SGD and the loss falls (exit code 1 if it does not).
/// </summary>
internal static class SmokeCommand
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "training steps", DefaultValueFactory = _ => 40 };
        var command = new Command("smoke", "Train a tiny network for a few steps and show the loss falling (engine check)") { steps };
        command.SetAction(result => Run(result.GetValue(steps)));
        return command;
    }

    private static int Run(int steps)
    {
        using var generator = new Generator(0);
        using var net = new Sequential(
            new Conv2d(3, 16, 3, padding: 1, generator: generator), new BatchNorm2d(16), new ReLU(),
            new Conv2d(16, 4, 1, generator: generator));
        using var optimizer = new SGD(net.Parameters(), lr: 0.1, momentum: 0.9, weightDecay: 1e-4);
        Console.WriteLine($"smoke run: {net.Parameters().Sum(p => p.NumEl)} parameters, {steps} SGD steps, {Torch.Torch.NumThreads} threads");
        var clock = Stopwatch.StartNew();
        double first = 0, last = 0;
        for (var step = 0; step < steps; step++)
        {
            using var scope = Torch.Torch.NewDisposeScope();
            // The label of each pixel is the brightest of its first four input channels... of 3 + a bias class.
            var images = Torch.Torch.Randn(new long[] { 8, 3, 16, 16 }, generator);
            var withBackground = Torch.Torch.Cat(new[] { images, Torch.Torch.Full(new long[] { 8, 1, 16, 16 }, 0.5) }, 1);
            var labels = withBackground.Argmax(1);
            var loss = F.CrossEntropy(net.Forward(images), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            PolyLR.Apply(optimizer, step, steps);
            optimizer.Step();
            last = loss.Item();
            if (step == 0) first = last;
            if (step % 5 == 0 || step == steps - 1) Console.WriteLine($"step {step,4}  loss {last:F4}");
        }
        Console.WriteLine($"loss {first:F4} -> {last:F4} in {clock.Elapsed.TotalSeconds:F1}s");
        return last < first ? 0 : 1;
    }
}
