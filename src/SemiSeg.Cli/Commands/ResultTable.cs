using System.Globalization;
using SemiSeg.Training;
using Spectre.Console;

namespace SemiSeg.Cli.Commands;

/// <summary>Prints a run's IoU per class and mIoU as a table.</summary>
internal static class ResultTable
{
    /// <summary>A training run's table; the best epoch 1-based, as everywhere a person reads it.</summary>
    public static void Print(RunSummary summary) => Print(summary, AnsiConsole.Console);

    public static void Print(RunSummary summary, IAnsiConsole console)
    {
        var table = new Table().Title($"{summary.Method}: {summary.Labeled} labelled / {summary.Unlabeled} unlabelled");
        table.AddColumn("class");
        table.AddColumn(new TableColumn("IoU %").RightAligned());
        for (var c = 0; c < summary.ClassNames.Length; c++)
            table.AddRow(Markup.Escape(summary.ClassNames[c]), Format(summary.PerClassIoU.ElementAtOrDefault(c)));
        table.AddRow("[bold]mIoU (final)[/]", $"[bold]{Format(summary.FinalMeanIoU)}[/]");
        table.AddRow("mIoU (best)", Format(summary.BestMeanIoU) + (summary.BestEpochNumber is { } best ? $" (epoch {best})" : ""));
        table.AddRow("train time", string.Create(CultureInfo.InvariantCulture, $"{summary.TrainSeconds / 60:F1} min"));
        console.Write(table);
    }

    /// <summary>An evaluation of a checkpoint: only what eval knows (no training time, epochs run or unlabelled count).</summary>
    public static void Print(EvaluationSummary summary)
    {
        var table = new Table().Title(Markup.Escape($"{summary.Method}: the {summary.Model} of {Path.GetFileName(summary.Checkpoint)}" +
                                                    (summary.CheckpointPosition is { } where ? $" ({where})" : "")));
        table.AddColumn("class");
        table.AddColumn(new TableColumn("IoU %").RightAligned());
        for (var c = 0; c < summary.ClassNames.Length; c++)
            table.AddRow(Markup.Escape(summary.ClassNames[c]), Format(summary.PerClassIoU.ElementAtOrDefault(c)));
        table.AddRow("[bold]mIoU[/]", $"[bold]{Format(summary.MeanIoU)}[/]");
        if (summary.RecordedMeanIoU is { } recorded) table.AddRow("mIoU recorded in training", Format(recorded));
        table.AddRow("pixel accuracy", Format(summary.PixelAccuracy));
        AnsiConsole.Write(table);
        Console.WriteLine($"model: {summary.Model} ({summary.ModelReason}); mode {summary.Mode}, {summary.ValidationImages} validation images");
    }

    private static string Format(double? value) =>
        value is { } v && !double.IsNaN(v) ? (v * 100).ToString("F2", CultureInfo.InvariantCulture) : "-";
}
