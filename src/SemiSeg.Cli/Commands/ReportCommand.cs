using System.CommandLine;
using SemiSeg.Reporting;

namespace SemiSeg.Cli.Commands;

/// <summary>`semiseg report RUN_DIR... [--out FILE.html]`: one self-contained HTML page over finished runs.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("RUN_DIR") { Description = "finished run directories (summary.json, metrics.jsonl, visuals/)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "the HTML page to write; figures go to FILE_figures/ beside it", DefaultValueFactory = _ => "report.html", HelpName = "FILE.html" };
        var command = new Command("report", "Write an HTML report (tables, curves, scene grids) with PNG and SVG figures") { runs, output };
        command.SetAction(result => Run(result.GetValue(runs)!, result.GetValue(output)!));
        return command;
    }

    private static int Run(string[] runs, string output)
    {
        try
        {
            var written = RunReport.Write(runs, output);
            Console.WriteLine($"wrote {written.HtmlPath}");
            Console.WriteLine($"      {written.FigureFiles.Count} figure files in {written.FiguresDirectory}");
            return 0;
        }
        catch (Exception e) when (e is ReportException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"semiseg report: {e.Message}");
            return 1;
        }
    }
}
