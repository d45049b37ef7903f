using System.CommandLine;
using SemiSeg.Reporting;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg table RUN_DIR... [--reference RUN]`: Markdown tables of finished runs, seeds pooled into
/// mean ± std: the Table 1 grid (runs named METHOD-SPLIT-sSEED), the ablations against a reference
/// run, and every setting with its wall time; with --figure, the grid as a chart.
/// </summary>
internal static class TableCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "run folders (with summary.json)", Arity = ArgumentArity.OneOrMore };
        var reference = new Option<string?>("--reference") { Description = "the run the other settings (ablations) are compared with, e.g. u2pl-1of8-s0" };
        var figure = new Option<string?>("--figure") { Description = "also draw the grid as a chart: mIoU against labelled images per method (PNG, and SVG beside it)" };
        var command = new Command("table", "Print Markdown tables of finished runs (mean ± std over seeds)") { runs, reference, figure };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var directories = result.GetValue(runs)!;
            var unfinished = directories.Where(d => File.Exists(Path.Combine(d, "summary.json")) && !ResultsTable.IsFinished(d)).ToList();
            if (unfinished.Count > 0) Console.Error.WriteLine($"left out, not finished: {string.Join(", ", unfinished.Select(d => Path.GetFileName(d.TrimEnd('/'))))}");
            var rows = ResultsTable.Rows(directories);
            if (rows.Count == 0) throw new ArgumentException("no finished run (a folder with summary.json) among the arguments");
            var grid = ResultsTable.Grid(rows);
            var others = ResultsTable.Others(rows, result.GetValue(reference));
            if (grid != "") Console.Write("### Best mIoU % by method and labelled fraction\n\n" + grid + "\n");
            if (others != "") Console.Write("### Other settings\n\n" + others + "\n");
            Console.Write("### Every setting\n\n" + ResultsTable.Markdown(rows));
            if (result.GetValue(figure) is { } png && !LabelCurve.Write(rows, png))
                Console.Error.WriteLine($"no figure: no run is named METHOD-SPLIT, so {png} was not written");
        }));
        return command;
    }
}
