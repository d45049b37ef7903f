using System.Diagnostics;
using SemiSeg.Methods;
using SemiSeg.Training;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Bench;

/// <summary>
/// Seconds per U2PL training step and where they go, for (a) a config trained from its data loader
/// (the FashionScenes preset) and (b) the reference setting fed with random tensors, each with the
/// memory bank filled to its size before timing; conv2d throughput measured in the same process; and,
/// given the JSON of tools/official_u2pl_step.py, the comparison with the official step. Prints Markdown.
/// Usage: u2pl-step [--fashion CONFIG] [--reference CONFIG] [--official JSON] [--steps N] [--warmup N] [--threads N]
/// [--set key=value]... [--label TEXT] [--brief] (--set and --label apply to the reference setting; --brief prints
/// only "mean median load-average" per setting).
/// </summary>
internal static class U2plStepBench
{
    public static int Run(string[] args)
    {
        var options = StepBenchArgs.Parse(args);
        var results = new List<StepResult>();
        if (options.Fashion is { } fashion) results.Add(RunLoader(fashion, options));
        if (options.Reference is { } reference) results.Add(RunRandom(reference, options));
        if (options.Brief)
        {
            foreach (var r in results) Console.WriteLine($"{r.Mean:F3} {r.Median:F3} {Timing.LoadAverage()}");
            return 0;
        }
        var conv = ConvThroughput.Measure();

        foreach (var r in results) StepReport.Print(r, conv, r.Random ? options.Label : null);
        ConvThroughput.Print(conv);
        var official = options.Official is { } path ? OfficialStep.Read(path) : null;
        var ours = results.FirstOrDefault(r => r.Random);
        if (official is not null) StepReport.PrintComparison(ours, official);
        return 0;
    }

    /// <summary>Steps fed by the config's training loader (data wait measured), past the warm start.</summary>
    private static StepResult RunLoader(string configPath, StepBenchArgs options)
    {
        var config = ExperimentConfig.Load(configPath, options.ThreadOverride);
        var data = DataSources.Open(config.Data, unlabeled: true);
        var stream = data.TrainingStream(config.Data, config.Seed, strongUnlabeled: false, config.Profile.WorldSize);
        var stepsPerEpoch = Math.Min(stream.StepsPerEpoch, config.Trainer.MaxStepsPerEpoch ?? int.MaxValue);
        if (options.Warmup + options.Steps > stream.StepsPerEpoch)
            throw new ArgumentException($"{configPath}: {options.Warmup + options.Steps} steps do not fit in one epoch of {stream.StepsPerEpoch}");
        using var session = new U2plStepSession(config, stepsPerEpoch);
        using var batches = stream.Epoch(session.Epoch).GetEnumerator();
        (Tensor, Tensor, Tensor) Next()
        {
            if (!batches.MoveNext()) throw new InvalidOperationException("the epoch ended early");
            var (labeled, unlabeled) = batches.Current;
            var l = labeled.ToTensors(config.Device);
            var u = unlabeled!.ToTensors(config.Device);
            return (l.Images, l.Labels, u.Images);
        }
        var (h, w) = config.Data.TrainAugmentation.Crop ?? throw new ArgumentException($"{configPath}: dataset.train.crop.size is needed");
        return Measure(session, config, Next, random: false, $"loader, {config.Data.Workers} workers", h, w, options);
    }

    /// <summary>Steps fed with random images and uniformly random labels of all classes.</summary>
    private static StepResult RunRandom(string configPath, StepBenchArgs options)
    {
        var config = ExperimentConfig.Load(configPath, options.ThreadOverride.Concat(options.Overrides));
        using var session = new U2plStepSession(config, stepsPerEpoch: 1000);
        using var generator = new Generator(config.Seed + 1);
        var batch = (long)config.Data.BatchSize;
        var (ch, cw) = config.Data.TrainAugmentation.Crop ?? throw new ArgumentException($"{configPath}: dataset.train.crop.size is needed");
        var (h, w) = ((long)ch, (long)cw);
        // Drawn on the CPU (the same numbers on every device), then copied where the step runs, as a loader's batch is.
        (Tensor, Tensor, Tensor) Next() => (
            T.Randn(new[] { batch, 3, h, w }, generator).To(config.Device),
            T.Randint(0, config.Net.NumClasses, new[] { batch, h, w }, generator).To(config.Device),
            T.Randn(new[] { batch, 3, h, w }, generator).To(config.Device));
        return Measure(session, config, Next, random: true, "random tensors", h, w, options);
    }

    private static StepResult Measure(U2plStepSession session, ExperimentConfig config, Func<(Tensor, Tensor, Tensor)> next,
                                      bool random, string dataSource, long height, long width, StepBenchArgs options)
    {
        var timer = new StepPhaseTimer();
        var loadBefore = Timing.LoadAverage();
        session.Step(timer, next);                      // makes the memory bank
        using (var generator = new Generator(config.Seed + 2)) session.FillMemoryBank(generator);
        for (var k = 1; k < options.Warmup; k++) session.Step(timer, next);
        timer.Reset();
        var seconds = new double[options.Steps];
        for (var k = 0; k < options.Steps; k++)
        {
            var clock = Stopwatch.StartNew();
            session.Step(timer, next);
            seconds[k] = clock.Elapsed.TotalSeconds;
        }
        var loadAfter = Timing.LoadAverage();
        var bank = session.MemoryBank!;
        var bankCounts = Enumerable.Range(0, bank.NumClasses).Select(bank.Count).ToArray();
        var phases = timer.Totals.Select(p => (p.Phase, p.Seconds / options.Steps)).ToList();
        var batch = config.Data.BatchSize;
        return new StepResult(config, random, dataSource, batch, height, width, options.Warmup, seconds, phases,
                              session.MacsPerImage(height, width), bankCounts, bank.FeatureDim, T.NumThreads, loadBefore, loadAfter);
    }
}
