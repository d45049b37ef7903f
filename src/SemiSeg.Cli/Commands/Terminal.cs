using Spectre.Console;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// The console every command writes tables and progress to. Spectre.Console decides on colour from
/// the TERM variable, not from where the output goes, so `semiseg train > log` got colour codes in
/// its final table; redirected output here gets plain text (no ANSI codes, no live display).
/// </summary>
internal static class Terminal
{
    public static IAnsiConsole Create(TextWriter output, bool redirected) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
    });

    /// <summary>Makes <see cref="AnsiConsole.Console"/> this process's console, plain when stdout is redirected.</summary>
    public static void UseForProcess() => AnsiConsole.Console = Create(Console.Out, Console.IsOutputRedirected);
}
