using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SemiSeg.Data;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg data bench`: loader throughput on a folder dataset (FashionScenes by default) with U2PL's
/// training augmentation, and the data-wait per step when each step also keeps the training
/// thread busy for --step-ms (a stand-in for the forward and backward pass).
/// </summary>
internal static class DataBenchCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "folder dataset (e.g. a FashionScenes build)", Required = true };
        var split = new Option<string?>("--split") { Description = "split file (default: splits/train.txt under the root)" };
        var workers = new Option<int>("--workers") { Description = "loader worker threads", DefaultValueFactory = _ => 2 };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 16 };
        var crop = new Option<int>("--crop") { Description = "crop size", DefaultValueFactory = _ => 96 };
        var batches = new Option<int>("--batches") { Description = "batches to load", DefaultValueFactory = _ => 100 };
        var stepMs = new Option<double>("--step-ms") { Description = "busy time per step on the consuming thread", DefaultValueFactory = _ => 0 };
        var strong = new Option<bool>("--strong") { Description = "also make iMAS's strong intensity copy (2 ops)" };
        var command = new Command("bench", "Measure loader samples/s and data-wait per step") { root, split, workers, batch, crop, batches, stepMs, strong };
        command.SetAction(result => DataCommand.Run(() =>
        {
            var directory = result.GetValue(root)!;
            var dataset = FolderDataset.Open(directory, result.GetValue(split) ?? Path.Combine(directory, "splits", "train.txt"));
            var transform = new SegmentationTransform(AugmentationOptions.Training(result.GetValue(crop)) with
            {
                IntensityOps = result.GetValue(strong) ? 2 : 0,
            });
            var options = new LoaderOptions { BatchSize = result.GetValue(batch), Workers = result.GetValue(workers), Seed = 1 };
            var wanted = result.GetValue(batches);
            var pool = EpochPlan.ResampledPool(dataset.Count, Math.Max(dataset.Count, wanted * options.BatchSize), 1);
            var loader = new PrefetchLoader(dataset, transform, options, pool, result.GetValue(strong));
            var busy = TimeSpan.FromMilliseconds(result.GetValue(stepMs));
            var clock = Stopwatch.StartNew();
            var samples = 0;
            var afterFirst = TimeSpan.Zero;
            foreach (var b in loader.Epoch(0).Take(wanted))
            {
                using (var tensors = b.ToTensors()) samples += b.Size;
                if (samples == b.Size) afterFirst = clock.Elapsed;   // the first batch includes start-up (threads, JIT)
                var until = Stopwatch.GetTimestamp() + (long)(busy.TotalSeconds * Stopwatch.Frequency);
                while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(64);
            }
            var steady = (clock.Elapsed - afterFirst).TotalSeconds;
            var waits = loader.Stats.WaitPerBatch.Skip(1).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"workers={options.Workers} batch={options.BatchSize} crop={result.GetValue(crop)} step_ms={busy.TotalMilliseconds} strong={result.GetValue(strong)}: " +
                $"{(samples - options.BatchSize) / steady:F0} samples/s after the first batch; data wait per step mean {waits.Average() * 1000:F2} ms, " +
                $"median {waits[waits.Length / 2] * 1000:F2} ms, p95 {waits[(int)(0.95 * (waits.Length - 1))] * 1000:F2} ms; first batch {loader.Stats.WaitPerBatch[0] * 1000:F0} ms"));
        }));
        return command;
    }
}
