using System.CommandLine;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>`semiseg train --config FILE [--set key=value ...] [--device D] [--threads N] [--out DIR] [--resume]`.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "YAML config (official U2PL keys)", Required = true };
        var output = new Option<string?>("--out") { Description = "run folder (default: runs/<config name>)" };
        var resume = new Option<bool>("--resume") { Description = "continue the run in --out from its last checkpoint" };
        var command = new Command("train", "Train a method from a config") { config, output, resume };
        var options = new RunOptions().AddTo(command);
        command.SetAction(result =>
        {
            var path = result.GetValue(config)!;
            return CliErrors.Run(() =>
            {
                var experiment = ExperimentConfig.Load(path, options.Overrides(result));
                var runDirectory = result.GetValue(output) ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(path));
                var summary = ConsoleTrainingObserver.RunWithProgress(observer =>
                    new Trainer(experiment, runDirectory, observer).Run(result.GetValue(resume)));
                ResultTable.Print(summary);
            });
        });
        return command;
    }
}
