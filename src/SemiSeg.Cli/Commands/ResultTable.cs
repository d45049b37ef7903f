using System.Globalization;
using SemiSeg.Training;
using Spectre.Console;

namespace SemiSeg.Cli.Commands;

/// <summary>Prints a run's IoU per class and mIoU as a table.</summary>
internal static class ResultTable
{
    public static void Print(RunSummary summary)
    {
        var table = new Table().Title($"{summary.Method}: {summary.Labeled} labelled / {summary.Unlabeled} unlabelled");
        table.AddColumn("class");
        table.AddColumn(new TableColumn("IoU %").RightAligned());
        for (var c = 0; c < summary.ClassNames.Length; c++)
            table.AddRow(Markup.Escape(summary.ClassNames[c]), Format(summary.PerClassIoU.ElementAtOrDefault(c)));
        table.AddRow("[bold]mIoU (final)[/]", $"[bold]{Format(summary.FinalMeanIoU)}[/]");
        table.AddRow("mIoU (best)", $"{Format(summary.BestMeanIoU)} (epoch {summary.BestEpoch + 1})");
        table.AddRow("train time", string.Create(CultureInfo.InvariantCulture, $"{summary.TrainSeconds / 60:F1} min"));
        AnsiConsole.Write(table);
    }

    private static string Format(double? value) =>
        value is { } v && !double.IsNaN(v) ? (v * 100).ToString("F2", CultureInfo.InvariantCulture) : "-";
}
