using System.Text.RegularExpressions;
using SemiSeg.Cli.Commands;
using SemiSeg.Training;
using Spectre.Console;

namespace SemiSeg.Tests.Cli;

/// <summary>
/// The training display in an 80-column terminal, and the plain output when redirected. The live
/// display is rendered into a string by a console of fixed width, as tmux at 80 columns shows it
/// (tools/check-terminal.sh runs the real thing under tmux).
/// </summary>
public sealed class TerminalTests
{
    private static readonly Regex Ansi = new(@"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", RegexOptions.Compiled);

    private static RunPlan Plan => new("u2pl", 80, 0, 366, 183, 2927, 500, 40_000_000, 2, "/runs/u2pl_fashion_1-8");

    /// <summary>A step with U2PL's four loss terms: the longest description the trainer makes.</summary>
    private static StepReport Step(int i) => new(2, i, 366, 2 * 366 + i, 80 * 366,
        new Dictionary<string, double> { ["sup"] = 0.4321, ["unsup"] = 0.1234, ["contrastive"] = 0.5678, ["total"] = 1.1233 },
        0.00098765, 1.234, 0.012, 100 + i);

    private static IAnsiConsole Live(StringWriter output, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = width;
        console.Profile.Height = 24;
        return console;
    }

    [Theory]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(160)]
    public void TheBarPercentageAndEtaStayOnOneLineAtAnyWidth(int width)
    {
        var output = new StringWriter();
        ConsoleTrainingObserver.RunWithProgress<int>(Live(output, width), plain: false, observer =>
        {
            observer.OnStart(Plan);
            for (var i = 0; i < 50; i++) observer.OnStep(Step(i));
            return 0;
        });
        var lines = Ansi.Replace(output.ToString(), "").Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= width, $"{l.TrimEnd().Length} columns: '{l}'"));
        // The last frame's task line: description, bar, percentage and ETA together.
        var task = lines.Last(l => l.Contains('%'));
        Assert.Contains("epoch 3/80 step 50/366", task);
        Assert.Contains("━", task);
        Assert.Matches(@"\d+%\s+(\d\d|\*\*):(\d\d|\*\*):(\d\d|\*\*)\s*$", task);
        // No line holds a stray piece of the ETA (a wrapped column reads as a lone digit or colon).
        Assert.DoesNotContain(lines, l => Regex.IsMatch(l, @"^\s*[\d:*]{1,2}\s*$"));
        if (width >= 160) Assert.Contains("contrastive 0.568", task);   // wide enough: nothing cut
    }

    [Fact]
    public void RedirectedOutputHasNoAnsiCodesInTheTableAndNamesTheBestEpochOneBased()
    {
        var output = new StringWriter();
        var console = Terminal.Create(output, redirected: true);
        var summary = new RunSummary("u2pl", 0.5, 6, 0.48, new double?[] { 0.9, 0.1 }, new[] { "background", "shirt" }, 600, 183, 2927, 80, 0);
        ResultTable.Print(summary, console);
        ConsoleTrainingObserver.RunWithProgress<int>(console, plain: true, observer =>
        {
            observer.OnStart(Plan);
            observer.OnStep(Step(0));
            return 0;
        });
        var text = output.ToString();
        var escape = text.IndexOf('\x1b');
        Assert.True(escape < 0, $"an escape code at {escape}: '{text.Substring(Math.Max(0, escape - 40), Math.Min(80, text.Length - Math.Max(0, escape - 40))).Replace("\x1b", "<ESC>")}'");
        Assert.Contains("(epoch 7)", text);                     // best_epoch 6 in the file is the 7th epoch
        Assert.Contains("from epoch 1;", text);                 // a new run starts at the first epoch
        Assert.Contains("epoch 3/80 step 1/366 | sup 0.432 unsup 0.123 contrastive 0.568 total 1.123", text);   // whole, not cut
        Assert.Equal(7, summary.BestEpochNumber);
        Assert.Contains("\"best_epoch\":6", System.Text.Json.JsonSerializer.Serialize(summary));        // unchanged, 0-based
        Assert.Contains("\"best_epoch_number\":7", System.Text.Json.JsonSerializer.Serialize(summary));
    }

    [Fact]
    public void FitCutsWithAMark()
    {
        Assert.Equal("short", ConsoleTrainingObserver.Fit("short", 40));
        Assert.Equal("0123456789…", ConsoleTrainingObserver.Fit("0123456789ABCDEF", 11));
        Assert.Equal(10, ConsoleTrainingObserver.Fit(new string('x', 50), 3).Length);   // never below 10 columns
    }
}
