using System.Globalization;
using SemiSeg.Methods;
using SemiSeg.Training;

namespace SemiSeg.Bench;

/// <summary>Markdown for the U2PL step benchmark: per setting, the step time, its parts and its GFLOP/s.</summary>
internal static class StepReport
{
    /// <summary>
    /// The parts the issue asks for, each a set of timed phases; tools/official_u2pl_step.py groups the
    /// official step's phases under the same names.
    /// </summary>
    public static readonly (string Group, string[] Phases)[] Groups =
    {
        ("data wait", new[] { U2plStepSession.DataPhase }),
        ("teacher forward (pseudo-label pass + second pass)", new[] { U2plPhases.TeacherPseudoLabels, U2plPhases.TeacherSecondPass }),
        ("student forward + backward", new[] { U2plPhases.StudentForward, OptimizationStep.BackwardPhase }),
        ("contrastive loss (without memory bank)", new[] { U2plPhases.ContrastiveLoss }),
        ("memory bank (enqueue + sample)", new[] { U2plPhases.MemoryBank }),
        ("optimizer + EMA", new[] { U2plStepSession.PolyLrPhase, OptimizationStep.OptimizerPhase, OptimizationStep.EmaPhase }),
        ("other (mix, supervised and unsupervised losses, loss read, freeing)", Array.Empty<string>()),
    };

    public static void Print(StepResult r, ConvThroughput.Result conv, string? label = null)
    {
        var c = r.Config;
        var title = label ?? (r.Random ? "(b) Reference setting" : "(a) FashionScenes preset");
        Console.WriteLine($"### {title}: {Relative(c.SourcePath)}");
        Console.WriteLine();
        var enc = c.Net.Encoder;
        var dec = c.Net.Decoder;
        Console.WriteLine($"{enc.Type.Replace("u2pl.models.resnet.", "")} (width {enc.Width}, dilated layer3/4 = output stride 8, multi-grid {enc.MultiGrid}) + " +
                          $"DeepLabv3+ (ASPP {dec.InnerPlanes} ch, dilations {string.Join("/", dec.Dilations)}, representation head {c.Net.HasRepresentation}), " +
                          $"{c.Net.NumClasses} classes; batch {r.Batch} labelled + {r.Batch} unlabelled, crop {r.Height}x{r.Width}; data: {r.DataSource}; " +
                          $"{r.Threads} threads; negative rule {c.Contrastive!.NegativeRuleName}; epoch {c.Trainer.SupOnlyEpoch + 1} of {c.Trainer.Epochs} (past the warm start).");
        Console.WriteLine($"Memory bank filled before timing: {Bank(r.BankCounts)} entries of {r.FeatureDim}-d features per class. " +
                          $"{r.Seconds.Length} timed steps after {r.Warmup} warm-up steps; load average before/after: {r.LoadBefore} / {r.LoadAfter}.");
        Console.WriteLine();
        var gflopPerSecond = r.StepGflop / r.Mean;
        Console.WriteLine($"**{r.Mean:F3} s per step** (mean; median {r.Median:F3}, min {r.Seconds.Min():F3}, max {r.Seconds.Max():F3}). " +
                          $"Conv work {r.StepGflop:F2} GFLOP per step ({r.MacsPerImage / 1e9:F3} GMAC per image forward, backward counted as 2x forward) " +
                          $"= **{gflopPerSecond:F1} GFLOP/s**, {100 * gflopPerSecond / conv.Best:F0}% of the conv2d throughput measured in this run ({conv.Best:F1} GFLOP/s).");
        Console.WriteLine();
        Console.WriteLine("| part | s/step | share |");
        Console.WriteLine("|---|---|---|");
        foreach (var (group, seconds) in Grouped(r.Phases))
            Console.WriteLine($"| {group} | {seconds:F3} | {100 * seconds / r.Mean:F1}% |");
        Console.WriteLine();
        Console.WriteLine("| phase (exclusive time) | s/step |");
        Console.WriteLine("|---|---|");
        foreach (var (phase, seconds) in r.Phases) Console.WriteLine($"| {phase} | {seconds:F4} |");
        Console.WriteLine();
    }

    public static void PrintComparison(StepResult? ours, OfficialStep official)
    {
        Console.WriteLine("### Official PyTorch step, reference setting (tools/official_u2pl_step.py)");
        Console.WriteLine();
        Console.WriteLine($"torch {official.Torch}, {official.Threads} threads, OMP_WAIT_POLICY={official.OmpWaitPolicy}, " +
                          $"models {(official.Ddp ? "in DistributedDataParallel (gloo, world size 1) as train_semi.py wraps them" : "not wrapped in DistributedDataParallel")}; " +
                          $"{official.Steps} timed steps; load average before/after: {official.LoadBefore} / {official.LoadAfter}.");
        Console.WriteLine("Run unchanged except (patched from the script): " + string.Join("; ", official.Patches) + ".");
        Console.WriteLine();
        Console.WriteLine($"**{official.MeanSeconds:F3} s per step** (mean; median {official.MedianSeconds:F3}).");
        Console.WriteLine();
        if (ours is null) return;
        Console.WriteLine("| part | ours s/step | official s/step |");
        Console.WriteLine("|---|---|---|");
        foreach (var (group, seconds) in Grouped(ours.Phases))
            Console.WriteLine($"| {group} | {seconds:F3} | {official.Groups.GetValueOrDefault(group):F3} |");
        Console.WriteLine($"| **step (mean)** | **{ours.Mean:F3}** | **{official.MeanSeconds:F3}** |");
        Console.WriteLine();
        Console.WriteLine("The official memory-bank sampling (a copy of the whole class queue, then an index) runs inside its " +
                          "compute_contra_memobank_loss, so it counts under its contrastive loss; its memory-bank part is dequeue_and_enqueue.");
        Console.WriteLine();
        var ratio = official.MeanSeconds / ours.Mean;
        Console.WriteLine(ratio >= 1
            ? $"In this pair of runs ours is **{ratio:F2}x faster** than the official step (official / ours = {official.MeanSeconds:F3} / {ours.Mean:F3} s)."
            : $"In this pair of runs ours is **{1 / ratio:F2}x slower** than the official step (ours / official = {ours.Mean:F3} / {official.MeanSeconds:F3} s).");
        Console.WriteLine();
    }

    /// <summary>Seconds per group, every phase not named in <see cref="Groups"/> going to the last one.</summary>
    public static List<(string Group, double Seconds)> Grouped(IReadOnlyList<(string Phase, double Seconds)> phases)
    {
        var named = Groups.SelectMany(g => g.Phases).ToHashSet();
        return Groups.Select(g => (g.Group, g.Phases.Length == 0
            ? phases.Where(p => !named.Contains(p.Phase)).Sum(p => p.Seconds)
            : phases.Where(p => g.Phases.Contains(p.Phase)).Sum(p => p.Seconds))).ToList();
    }

    private static string Bank(long[] counts) =>
        string.Join(", ", counts.GroupBy(n => n).Select(g => g.Count() == 1 ? g.Key.ToString(CultureInfo.InvariantCulture) : $"{g.Key} x {g.Count()}"));

    private static string Relative(string path) => Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
}
