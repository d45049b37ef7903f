using System.Globalization;
using SemiSeg.Training;
using Spectre.Console;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// Shows a run's progress: a live bar with epoch, step, ETA, each loss term, learning rate and
/// data wait on a terminal; one plain line every few steps when the output goes to a file.
/// </summary>
internal sealed class ConsoleTrainingObserver : ITrainingObserver
{
    private readonly bool plain = Console.IsOutputRedirected;
    private ProgressTask? task;
    private RunPlan? plan;

    public static T RunWithProgress<T>(Func<ITrainingObserver, T> run)
    {
        var observer = new ConsoleTrainingObserver();
        if (observer.plain) return run(observer);
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
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
                   $"{p.Epochs} epochs x {p.StepsPerEpoch} steps from epoch {p.StartEpoch}; {p.Parameters / 1e6:F2} M parameters; " +
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
            task.Description = Markup.Escape(text);
            task.Increment(1);
        }
        else if (r.StepInEpoch % 20 == 0 || r.StepInEpoch == r.StepsPerEpoch - 1)
        {
            var done = r.Iteration + 1 - (long)(plan?.StartEpoch ?? 0) * r.StepsPerEpoch;
            var eta = r.ElapsedSeconds / Math.Max(1, done) * (r.TotalIterations - r.Iteration - 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{text} | eta {TimeSpan.FromSeconds(eta):hh\\:mm\\:ss}"));
        }
    }

    public void OnEvaluation(EvaluationRecord record, bool isBest) =>
        Write(string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch + 1}: {(double.IsNaN(record.MeanIoU) ? "not evaluated" : $"mIoU {record.MeanIoU * 100:F2} ({record.EvaluatedModel}){(isBest ? " best" : "")}")}, {record.Seconds:F0}s, data wait {record.DataWaitSeconds:F1}s"));

    public void OnMessage(string message) => Write(message);

    private void Write(string line)
    {
        if (plain) Console.WriteLine(line);
        else AnsiConsole.MarkupLine(Markup.Escape(line));
    }
}
