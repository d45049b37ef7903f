using System.CommandLine;
using SemiSeg.Data;
using SemiSeg.Reporting;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg demo` (what `./semiseg` runs with no arguments): the main job on the embedded default.
/// Builds FashionScenes from Debian's Fashion-MNIST when it is missing, and the pre-trained encoder
/// (data/fashion-scenes/backbone.pth, FashionScenes' ImageNet) when it is missing, trains U2PL with the CPU
/// preset (configs/fashion/u2pl.yaml, about 10 minutes on 2 cores), prints the mIoU table and writes
/// an HTML report beside the run.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var method = new Option<string>("--method") { Description = "suponly, mt, cutmix, u2pl, imas or u2pl_ael", DefaultValueFactory = _ => "u2pl" };
        var command = new Command("demo", "Train U2PL on FashionScenes with the CPU preset and print the mIoU table") { method };
        var options = new RunOptions().AddTo(command);
        command.SetAction(result => CliErrors.Run(() => Run(result.GetValue(method)!, options.Overrides(result).ToArray())));
        return command;
    }

    private static void Run(string method, string[] overrides)
    {
        var root = Environment.GetEnvironmentVariable("SEMISEG_ROOT") ?? Directory.GetCurrentDirectory();
        var configPath = Path.Combine(root, "configs", "fashion", $"{method}.yaml");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{configPath}: no FashionScenes preset for method '{method}'", configPath);
        // The config is checked (device included) before anything is built or written.
        var config = ExperimentConfig.Load(configPath, overrides);
        DeviceCheck.Ensure(config.Device, config.SourcePath);
        var dataRoot = Path.Combine(root, "data", "fashion-scenes");
        var sceneOptions = new FashionScenesOptions();
        if (!FashionScenes.IsBuilt(dataRoot, sceneOptions))
        {
            if (FashionScenes.BuiltHeader(dataRoot) is { } previous)
                Console.WriteLine($"{dataRoot} holds another FashionScenes build ({previous}); rebuilding it as {sceneOptions.Header}");
            Console.WriteLine($"building FashionScenes in {dataRoot} (once) ...");
            var report = FashionScenes.Build(dataRoot, sceneOptions, FashionMnist.Load(train: true), FashionMnist.Load(train: false));
            Console.WriteLine($"{report.Options.TrainScenes + report.Options.ValScenes} scenes in {report.Seconds:F1} s");
        }
        if (config.Backbone is { } backbone && !File.Exists(backbone))
        {
            Console.WriteLine($"pre-training the encoder on Fashion-MNIST training garments (once) -> {backbone} ...");
            var outcome = BackbonePretraining.Run(config.Net, FashionMnist.Load(train: true), backbone, new BackbonePretraining.Options(),
                (step, loss, accuracy) => { if (step % 500 == 0) Console.WriteLine($"  step {step}: loss {loss:F3}, accuracy {accuracy * 100:F1}%"); });
            Console.WriteLine($"  done in {outcome.Seconds:F0} s, accuracy {outcome.FinalAccuracy * 100:F1}%");
        }
        var runDirectory = Path.Combine(root, "runs", $"demo-{method}-{DateTime.Now:yyyyMMdd-HHmmss}");
        var summary = ConsoleTrainingObserver.RunWithProgress(observer => new Trainer(config, runDirectory, observer).Run());
        ResultTable.Print(summary);
        var html = Path.Combine(runDirectory, "report.html");
        RunReport.Write(new[] { runDirectory }, html);
        Console.WriteLine($"run folder: {runDirectory}");
        Console.WriteLine($"report:     {html}");
    }
}
