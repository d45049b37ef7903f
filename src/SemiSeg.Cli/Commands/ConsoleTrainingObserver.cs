using System.Globalization;
using SemiSeg.Training;
using Spectre.Console;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// Shows a run's progress: on a terminal a live line with epoch, step, the loss terms, learning
/// rate and data wait, then the bar, percentage and ETA; one plain line every few steps when the
/// output goes to a file. Epochs are 1-based, as everywhere a person reads them.
/// </summary>
internal sealed class ConsoleTrainingObserver : ITrainingObserver
{
    /// <summary>The bar's width in columns.</summary>
    internal const int BarWidth = 20;

    /// <summary>
    /// Columns taken by everything but the description: the bar, "100%", the ETA "00:00:00" and
    /// the gaps between the four columns, plus one spare so the line never touches the last column.
    /// </summary>
    internal const int FixedWidth = BarWidth + 4 + 8 + 3 + 1;

    private readonly IAnsiConsole console;
    private readonly bool plain;
    private ProgressTask? task;
    private RunPlan? plan;

    private ConsoleTrainingObserver(IAnsiConsole console, bool plain)
    {
        this.console = console;
        this.plain = plain;
    }

    public static T RunWithProgress<T>(Func<ITrainingObserver, T> run) => RunWithProgress(AnsiConsole.Console, Console.IsOutputRedirected, run);

    /// <param name="plain">Output goes to a file: plain lines instead of a live display.</param>
    internal static T RunWithProgress<T>(IAnsiConsole console, bool plain, Func<ITrainingObserver, T> run)
    {
        var observer = new ConsoleTrainingObserver(console, plain);
        if (plain) return run(observer);
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = BarWidth },
                     new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                observer.task = context.AddTask("starting", maxValue: 1);
                result = run(observer);
            });
        return result;
    }

    public void OnStart(RunPlan p)
    {
        plan = p;
        var line = $"{p.Method}: {p.Labeled} labelled, {p.Unlabeled} unlabelled, {p.Validation} val images; " +
                   $"{p.Epochs} epochs x {p.StepsPerEpoch} steps from epoch {p.StartEpoch + 1}; {p.Parameters / 1e6:F2} M parameters; " +
                   $"{p.Threads} threads -> {p.RunDirectory}";
        Write(line);
        if (task is not null) task.MaxValue = Math.Max(1, (double)(p.Epochs - p.StartEpoch) * p.StepsPerEpoch);
    }

    public void OnStep(StepReport r)
    {
        var losses = string.Join(" ", r.Losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F3}")));
        var text = string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch + 1}/{plan?.Epochs} step {r.StepInEpoch + 1}/{r.StepsPerEpoch} | {losses} | lr {r.LearningRate:G3} | {r.StepSeconds:F2}s/step wait {r.DataWaitSeconds:F2}s");
        if (task is not null)
        {
            // The description gives way to the bar, percentage and ETA: cut, it never pushes them off the line.
            task.Description = Markup.Escape(Fit(text, console.Profile.Width - FixedWidth));
            task.Increment(1);
        }
        else if (r.StepInEpoch % 20 == 0 || r.StepInEpoch == r.StepsPerEpoch - 1)
        {
            var done = r.Iteration + 1 - (long)(plan?.StartEpoch ?? 0) * r.StepsPerEpoch;
            var eta = r.ElapsedSeconds / Math.Max(1, done) * (r.TotalIterations - r.Iteration - 1);
            Write(string.Create(CultureInfo.InvariantCulture, $"{text} | eta {TimeSpan.FromSeconds(eta):hh\\:mm\\:ss}"));
        }
    }

    public void OnEvaluation(EvaluationRecord record, bool isBest) =>
        Write(string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch + 1}: {(double.IsNaN(record.MeanIoU) ? "not evaluated" : $"mIoU {record.MeanIoU * 100:F2} ({record.EvaluatedModel}){(isBest ? " best" : "")}")}, {record.Seconds:F0}s, data wait {record.DataWaitSeconds:F1}s"));

    public void OnMessage(string message) => Write(message);

    /// <summary>Text cut to at most <paramref name="width"/> columns (at least 10), the cut marked with "…".</summary>
    internal static string Fit(string text, int width)
    {
        width = Math.Max(10, width);
        return text.Length <= width ? text : text[..(width - 1)] + "…";
    }

    private void Write(string line)
    {
        // Plain lines go out whole: a log file has no width to wrap at.
        if (plain) console.Profile.Out.Writer.WriteLine(line);
        else console.MarkupLine(Markup.Escape(line));
    }
}
