using System.CommandLine;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>`semiseg train --config FILE [--set key=value ...] [--out DIR] [--resume]`.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "YAML config (official U2PL keys)", Required = true };
        var set = new Option<string[]>("--set") { Description = "override a key: --set trainer.epochs=5 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--out") { Description = "run folder (default: runs/<config name>)" };
        var resume = new Option<bool>("--resume") { Description = "continue the run in --out from its last checkpoint" };
        var command = new Command("train", "Train a method from a config") { config, set, output, resume };
        command.SetAction(result =>
        {
            var path = result.GetValue(config)!;
            return CliErrors.Run(() =>
            {
                var experiment = ExperimentConfig.Load(path, result.GetValue(set));
                var runDirectory = result.GetValue(output) ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(path));
                var summary = ConsoleTrainingObserver.RunWithProgress(observer =>
                    new Trainer(experiment, runDirectory, observer).Run(result.GetValue(resume)));
                ResultTable.Print(summary);
            });
        });
        return command;
    }
}
