using System.CommandLine;
using System.Globalization;
using SemiSeg.Data;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg data ...`: build FashionScenes, export a folder dataset in the VOC layout, convert Cityscapes label ids to train ids, make
/// labelled/unlabelled splits, and benchmark the loader.
/// </summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Prepare datasets: FashionScenes, Cityscapes train ids, splits, loader benchmark");
        command.Subcommands.Add(FashionScenesCommand());
        command.Subcommands.Add(FashionBackboneCommand());
        command.Subcommands.Add(ExportVocCommand());
        command.Subcommands.Add(CityscapesTrainIdsCommand());
        command.Subcommands.Add(SplitCommand());
        command.Subcommands.Add(DataBenchCommand.Create());
        command.Subcommands.Add(PreviewCommand());
        return command;
    }

    private static Command PreviewCommand()
    {
        var root = new Option<string>("--root") { Description = "folder dataset (e.g. a FashionScenes build)", Required = true };
        var split = new Option<string?>("--split") { Description = "split file (default: every image)" };
        var output = new Option<string>("--out") { Description = "PNG to write", Required = true };
        var count = new Option<int>("--count") { Description = "samples to show", DefaultValueFactory = _ => 8 };
        var command = new Command("preview", "Write a PNG sheet of images above their coloured labels") { root, split, output, count };
        command.SetAction(result => Run(() =>
        {
            var dataset = FolderDataset.Open(result.GetValue(root)!, result.GetValue(split));
            var indices = Enumerable.Range(0, Math.Min(result.GetValue(count), dataset.Count)).ToArray();
            SemiSeg.Torch.ImageFile.Write(result.GetValue(output)!, DatasetPreview.Render(dataset, indices));
            Console.WriteLine($"{indices.Length} samples -> {result.GetValue(output)}");
        }));
        return command;
    }

    private static Command FashionScenesCommand()
    {
        var defaults = new FashionScenesOptions();
        var output = new Option<string>("--out") { Description = "output folder", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "random seed (same seed, same bytes)", DefaultValueFactory = _ => 0 };
        var size = new Option<int>("--size") { Description = "canvas side in pixels", DefaultValueFactory = _ => defaults.Size };
        var train = new Option<int>("--train") { Description = "training scenes", DefaultValueFactory = _ => defaults.TrainScenes };
        var val = new Option<int>("--val") { Description = "validation scenes", DefaultValueFactory = _ => defaults.ValScenes };
        var minGarments = new Option<int>("--min-garments") { Description = "fewest garments in a scene", DefaultValueFactory = _ => defaults.MinGarments };
        var maxGarments = new Option<int>("--max-garments") { Description = "most garments in a scene", DefaultValueFactory = _ => defaults.MaxGarments };
        var minScale = new Option<double>("--min-scale") { Description = "smallest garment, as a multiple of the 28-pixel glyph", DefaultValueFactory = _ => defaults.MinScale };
        var maxScale = new Option<double>("--max-scale") { Description = "largest garment, as a multiple of the 28-pixel glyph", DefaultValueFactory = _ => defaults.MaxScale };
        var pool = new Option<int>("--labelled-pool") { Description = "the first N training scenes are the pool the labelled splits are drawn from (the rest stay unlabelled)", DefaultValueFactory = _ => defaults.LabelledPool };
        var ifChanged = new Option<bool>("--if-changed") { Description = "do nothing when the folder already holds a build with these parameters" };
        var source = new Option<string>("--fashion-mnist") { Description = "folder with Fashion-MNIST's *.gz idx files", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
        var command = new Command("fashion-scenes", "Build the FashionScenes segmentation benchmark from Fashion-MNIST garments")
            { output, seed, size, train, val, pool, minGarments, maxGarments, minScale, maxScale, ifChanged, source };
        command.SetAction(result =>
        {
            var options = new FashionScenesOptions
            {
                Seed = result.GetValue(seed), Size = result.GetValue(size),
                TrainScenes = result.GetValue(train), ValScenes = result.GetValue(val),
                MinGarments = result.GetValue(minGarments), MaxGarments = result.GetValue(maxGarments),
                MinScale = result.GetValue(minScale), MaxScale = result.GetValue(maxScale),
                LabelledPool = result.GetValue(pool),
            };
            var directory = result.GetValue(source)!;
            return Run(() =>
            {
                if (result.GetValue(ifChanged) && FashionScenes.IsBuilt(result.GetValue(output)!, options))
                {
                    Console.WriteLine($"{result.GetValue(output)} already holds {options.Header}");
                    return;
                }
                var report = FashionScenes.Build(result.GetValue(output)!, options,
                    FashionMnist.Load(train: true, directory), FashionMnist.Load(train: false, directory));
                Console.WriteLine(report.Describe());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{options.TrainScenes + options.ValScenes} scenes in {report.Seconds:F2} s ({report.ScenesPerSecond:F0} scenes/s) -> {result.GetValue(output)}"));
            });
        });
        return command;
    }

    private static Command FashionBackboneCommand()
    {
        var config = new Option<string>("--config") { Description = "config whose net.encoder is pre-trained", Required = true };
        var output = new Option<string>("--out") { Description = "state dict to write (for saver.backbone)", Required = true };
        var steps = new Option<int>("--steps") { Description = "SGD steps of 64 garments", DefaultValueFactory = _ => new BackbonePretraining.Options().Steps };
        var learningRate = new Option<double>("--lr")
        {
            // 0.1 suits the presets' ResNet-18; the cross-check's ResNet-50 stayed at chance with it (9.7% after 150 of 300
            // steps) and learned with 0.025 (docs/official-crosscheck.md).
            Description = "SGD learning rate (poly decay to 0 over --steps)",
            DefaultValueFactory = _ => new BackbonePretraining.Options().LearningRate,
        };
        learningRate.Validators.Add(r =>
        {
            if (!(r.GetValueOrDefault<double>() > 0)) r.AddError($"--lr must be above 0 (got {r.GetValueOrDefault<double>()})");
        });
        var seed = new Option<ulong>("--seed") { Description = "random seed", DefaultValueFactory = _ => 0 };
        var task = new Option<string>("--task")
        {
            Description = "classes: predict the garment's class; rotation: predict the scene's quarter turns (no class labels used)",
            DefaultValueFactory = _ => "classes",
        };
        task.AcceptOnlyFromAmong("classes", "rotation");
        var command = new Command("fashion-backbone",
            "Pre-train a config's encoder on Fashion-MNIST training garments (FashionScenes' stand-in for ImageNet weights)") { config, output, steps, learningRate, seed, task };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var net = SemiSeg.Training.ExperimentConfig.Load(result.GetValue(config)!).Net;
            var options = new BackbonePretraining.Options
            {
                Steps = result.GetValue(steps), LearningRate = result.GetValue(learningRate), Seed = result.GetValue(seed), Task = result.GetValue(task)!,
            };
            var resume = BackbonePretraining.ResumePath(result.GetValue(output)!);
            if (File.Exists(resume)) Console.WriteLine($"resuming from {resume}");
            // The first SIGTERM or Ctrl-C saves the state at the next step; running the command again continues from it.
            using var signals = new StopSignals("saving the pre-training state before the next step");
            var outcome = BackbonePretraining.Run(net, FashionMnist.Load(train: true), result.GetValue(output)!, options,
                (step, loss, accuracy) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step,5}  loss {loss:F3}  accuracy {accuracy * 100:F1}%")),
                signals.Token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"encoder pre-trained in {outcome.Seconds:F0} s (last accuracy {outcome.FinalAccuracy * 100:F1}%) -> {result.GetValue(output)}"));
        }));
        return command;
    }

    private static Command ExportVocCommand()
    {
        var root = new Option<string>("--root") { Description = "folder dataset to export (images/, masks/, classes.txt), e.g. a FashionScenes build", Required = true };
        var output = new Option<string>("--out") { Description = "output folder (new, empty, or an earlier export)", Required = true };
        var splits = new Option<string?>("--splits") { Description = "folder of split lists, searched recursively (default: ROOT/splits; none: every image)" };
        var command = new Command("export-voc",
            "Write a folder dataset in the PASCAL VOC layout the official U2PL loader reads (JPEGImages, SegmentationClassAug, splits/pascal)")
            { root, output, splits };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var report = VocExport.Export(result.GetValue(root)!, result.GetValue(output)!, result.GetValue(splits));
            Console.Write(report.Describe());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Samples} samples in {report.Seconds:F2} s -> {report.Output}"));
        }));
        return command;
    }

    private static Command CityscapesTrainIdsCommand()
    {
        var root = new Option<string>("--root") { Description = "Cityscapes folder holding gtFine/", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "rewrite existing *_gtFine_labelTrainIds.png" };
        var command = new Command("cityscapes-trainids", "Write *_gtFine_labelTrainIds.png (19 classes, 255 ignore) beside every *_gtFine_labelIds.png")
            { root, overwrite };
        command.SetAction(result => Run(() =>
        {
            var written = CityscapesLabelIds.ConvertTree(result.GetValue(root)!, result.GetValue(overwrite));
            Console.WriteLine($"wrote {written} train-id label images");
        }));
        return command;
    }

    private static Command SplitCommand()
    {
        var list = new Option<string>("--list") { Description = "split file with every training entry (one per line)", Required = true };
        var output = new Option<string>("--out") { Description = "folder for labeled.txt and unlabeled.txt", Required = true };
        var fraction = new Option<string?>("--fraction") { Description = "labelled fraction: 1/16, 1/8, 1/4, 1/2, 0.3 or full" };
        var count = new Option<int?>("--count") { Description = "labelled count (instead of --fraction)" };
        var seed = new Option<ulong>("--seed") { Description = "random seed", DefaultValueFactory = _ => 0 };
        var command = new Command("split", "Make a labelled/unlabelled partition of a training list") { list, output, fraction, count, seed };
        command.SetAction(result => Run(() =>
        {
            var entries = SplitFile.Read(result.GetValue(list)!);
            var n = result.GetValue(count);
            var f = result.GetValue(fraction);
            if ((n is null) == (f is null)) throw new ArgumentException("give exactly one of --fraction and --count");
            var partition = n is int c
                ? SplitGenerator.ByCount(entries, c, result.GetValue(seed))
                : SplitGenerator.ByFraction(entries, SplitGenerator.ParseFraction(f!), result.GetValue(seed));
            SplitFile.WritePartition(result.GetValue(output)!, partition);
            Console.WriteLine($"{partition.Labelled.Count} labelled, {partition.Unlabelled.Count} unlabelled -> {result.GetValue(output)}");
        }));
        return command;
    }

    /// <summary>Runs an action, turning bad input into one line on stderr and exit code 1.</summary>
    internal static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is DatasetException or ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
