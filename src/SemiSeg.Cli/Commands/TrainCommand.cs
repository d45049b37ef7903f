using System.CommandLine;
using SemiSeg.Cli.Distributed;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg train --config FILE [--set key=value ...] [--device D] [--threads N] [--out DIR] [--resume]`;
/// with --nproc-per-node N (and --nnodes, --node-rank, --master-addr, --master-port) it starts N
/// data-parallel workers on this machine, each running the same command (docs/distributed.md).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "YAML config (official U2PL keys)", Required = true };
        var output = new Option<string?>("--out") { Description = "run folder (default: runs/<config name>)" };
        var resume = new Option<bool>("--resume") { Description = "continue the run in --out from its last checkpoint" };
        var command = new Command("train", "Train a method from a config") { config, output, resume };
        var options = new RunOptions().AddTo(command);
        LaunchOptions.AddTo(command);
        command.SetAction(result =>
        {
            var path = result.GetValue(config)!;
            var launched = 0;
            var code = CliErrors.Run(() =>
            {
                var experiment = ExperimentConfig.Load(path, options.Overrides(result));
                var launch = LaunchOptions.From(result);
                if (launch.Launches)
                {
                    // The config was checked once here; the workers load it again, each in its own process.
                    launched = WorkerLauncher.Run(launch, WorkerLauncher.WithoutLaunchOptions(Environment.GetCommandLineArgs()[1..]), Console.Error);
                    return;
                }
                var runDirectory = result.GetValue(output) ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(path));
                // The first SIGTERM or Ctrl-C lets the step finish and the run save (exit code 3).
                using var signals = new StopSignals("stopping after this step and saving the checkpoint");
                var summary = ConsoleTrainingObserver.RunWithProgress(observer =>
                    new Trainer(experiment, runDirectory, observer).Run(result.GetValue(resume), stop: signals.Token));
                if (SemiSeg.Torch.Distributed.DistributedEnvironment.FromProcess().Rank == 0) ResultTable.Print(summary);
            });
            return code != 0 ? code : launched;
        });
        return command;
    }
}
