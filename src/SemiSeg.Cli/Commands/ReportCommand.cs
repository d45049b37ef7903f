using System.CommandLine;
using SemiSeg.Reporting;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg report RUN_DIR... [--out FILE.html] [--follow [--interval SECONDS]]`: one
/// self-contained HTML page over runs; with --follow, rewritten while they train.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("RUN_DIR") { Description = "run directories (summary.json, metrics.jsonl, steps.jsonl, visuals/)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "the HTML page to write; figures go to FILE_figures/ beside it", DefaultValueFactory = _ => "report.html", HelpName = "FILE.html" };
        var follow = new Option<bool>("--follow") { Description = "rewrite the report every --interval seconds until every run has finished (or Ctrl-C)" };
        var interval = new Option<double>("--interval") { Description = "seconds between rewrites with --follow", DefaultValueFactory = _ => 30, HelpName = "SECONDS" };
        var command = new Command("report", "Write an HTML report (tables, curves, scene grids) with PNG and SVG figures") { runs, output, follow, interval };
        command.SetAction(result =>
        {
            if (result.GetValue(follow)) return Follow(result.GetValue(runs)!, result.GetValue(output)!, result.GetValue(interval));
            if (result.GetResult(interval) is { Implicit: false }) return Fail("--interval is used only with --follow");
            return Run(result.GetValue(runs)!, result.GetValue(output)!);
        });
        return command;
    }

    private static int Run(string[] runs, string output)
    {
        try
        {
            var written = RunReport.Write(runs, output);
            Console.WriteLine($"wrote {written.HtmlPath}");
            Console.WriteLine($"      {written.FigureFiles.Count} figure files in {written.FiguresDirectory}");
            if (written.Running.Count > 0) Console.WriteLine($"      still going: {string.Join(", ", written.Running)} (--follow rewrites it until they finish)");
            return 0;
        }
        catch (Exception e) when (e is ReportException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    private static int Follow(string[] runs, string output, double seconds)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            e.Cancel = true;   // leave through the loop, so a report being written is finished first
            cancel.Cancel();
        };
        Console.CancelKeyPress += stop;
        try
        {
            if (!(seconds > 0) || double.IsInfinity(seconds)) return Fail($"--interval must be a positive number of seconds, got {seconds}");
            ReportFollower.Follow(runs, output, TimeSpan.FromSeconds(seconds), Console.WriteLine, cancel.Token);
            return 0;
        }
        catch (Exception e) when (e is ReportException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
        finally
        {
            Console.CancelKeyPress -= stop;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"semiseg report: {message}");
        return 1;
    }
}
