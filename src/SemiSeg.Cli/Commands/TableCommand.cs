using System.CommandLine;
using SemiSeg.Reporting;

namespace SemiSeg.Cli.Commands;

/// <summary>`semiseg table RUN_DIR...`: a Markdown table of finished runs, seeds pooled into mean ± std.</summary>
internal static class TableCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "run folders (with summary.json)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("table", "Print a Markdown table of finished runs (mean ± std over seeds)") { runs };
        command.SetAction(result => CliErrors.Run(() => Console.Write(ResultsTable.Markdown(ResultsTable.Rows(result.GetValue(runs)!)))));
        return command;
    }
}
