using System.CommandLine;

namespace SemiSeg.Cli.Commands;

/// <summary>The root command, named as the user types it (<c>semiseg</c>, the script), not after the assembly.</summary>
internal static class SemiSegCommand
{
    public const string Name = "semiseg";

    public static RootCommand Create()
    {
        var root = new RootCommand("SemiSeg: semi-supervised semantic segmentation (U2PL and baselines) on libtorch") { HelpName = Name };
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(SmokeCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(TableCommand.Create());
        root.Subcommands.Add(PseudoLabelsCommand.Create());
        root.Subcommands.Add(DistCheckCommand.Create());
        root.Subcommands.Add(CheckRunCommand.Create());
        return root;
    }
}
