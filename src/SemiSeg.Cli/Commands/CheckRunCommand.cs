using System.CommandLine;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg check-run DIR`: whether a run folder's checkpoints, metrics and summary agree. Exit 0
/// when they do (or only wait for the next start to complete a committed epoch), 1 when they do not.
/// </summary>
internal static class CheckRunCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("RUN_DIR") { Description = "run folder (ckpt.pth, ckpt_best.pth, metrics.jsonl, summary.json)" };
        var command = new Command("check-run", "Check that a run folder's checkpoints, metrics and summary agree") { folder };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var report = RunFolderCheck.Inspect(result.GetValue(folder)!);
            foreach (var line in report.Pending) Console.WriteLine($"pending (completed by the next train --resume): {line}");
            if (report.Problems.Count > 0)
                throw new InvalidDataException($"{result.GetValue(folder)}: " + string.Join("; ", report.Problems));
            Console.WriteLine($"consistent: {report.EpochsDone} epochs committed");
        }));
        return command;
    }
}
