using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SemiSeg.Evaluation;
using SemiSeg.Torch;
using SemiSeg.Training;
using Spectre.Console;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg pseudo-labels --checkpoint FILE [--split LIST] [--alpha PERCENT] [--amp bf16] [--json]`: how good a
/// checkpoint's pseudo-labels are on images whose labels training did not use (the unlabelled list of
/// its config by default; FashionScenes has masks for every scene): reliable against unreliable
/// accuracy, where the true class ranks among unreliable pixels, and per-class precision and recall.
/// </summary>
internal static class PseudoLabelsCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "config (default: the one stored in the checkpoint)" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint (.pth) written by train", Required = true };
        var split = new Option<string?>("--split") { Description = "list of images with labels on disk (default: the config's unlabelled list)" };
        var model = new Option<string>("--model") { Description = "teacher or student (default: teacher when present)", DefaultValueFactory = _ => "auto" };
        var alpha = new Option<double?>("--alpha") { Description = "percent of pixels per batch called unreliable (default: the config's alpha_0 = 100 - drop_percent)" };
        var json = new Option<bool>("--json") { Description = "print the counts as JSON" };
        var amp = CheckpointConfig.AmpOption();
        var command = new Command("pseudo-labels", "Score a checkpoint's pseudo-labels against ground truth: reliable vs unreliable pixels, true-class ranks, per class")
            { config, checkpoint, split, model, alpha, json, amp };
        var options = new RunOptions().AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var (audit, classNames, list, images) = Audit(result.GetValue(checkpoint)!, result.GetValue(config), result.GetValue(split),
                                                          result.GetValue(model)!, result.GetValue(alpha),
                                                          options.Overrides(result).Concat(CheckpointConfig.AmpOverride(result.GetValue(amp))));
            var summary = audit.Summarize();
            if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            else Print(summary, audit, classNames, list, images);
        }));
        return command;
    }

    /// <summary>Scores the pseudo-labels of a checkpoint's model on a list of labelled images.</summary>
    internal static (PseudoLabelAudit Audit, IReadOnlyList<string> ClassNames, string List, int Images) Audit(
        string checkpointPath, string? configPath, string? split, string model, double? alpha, IEnumerable<string> overrides)
    {
        var experiment = CheckpointConfig.Load(configPath, checkpointPath, overrides);
        var list = split is not null ? Path.GetFullPath(split)
            : experiment.Data.UnlabeledList ?? throw new ArgumentException($"the config has no unlabelled list (dataset.train.unlabeled_list); pass --split LIST");
        if (!File.Exists(list)) throw new FileNotFoundException($"{list}: split list not found", list);
        // The images are read through the validation pipeline (whole images, labels required).
        experiment = experiment with { Data = experiment.Data with { ValList = list, ValRoot = experiment.Data.TrainRoot } };
        using var models = CheckpointConfig.LoadModels(experiment, checkpointPath, model == "auto" ? CheckpointConfig.TeacherIfPresent : model, out var which);
        var data = DataSources.Open(experiment.Data, unlabeled: false);
        var percent = alpha ?? experiment.Unsupervised.InitialUnreliablePercent;
        var (low, high) = experiment.Contrastive is { } c ? (c.LowRank, c.HighRank) : (3, 20);
        var audit = new PseudoLabelAudit(experiment.Net.NumClasses, percent, low, high);
        Run(audit, which, data.ValidationLoader(experiment.Data), experiment, Math.Max(1, experiment.Data.BatchSize));
        return (audit, data.ClassNames, list, data.Validation.Count);
    }

    /// <summary>Scores images in groups of the training batch size, so the entropy percentile is taken over
    /// as many pixels as in a training step (images of different sizes go alone).</summary>
    private static void Run(PseudoLabelAudit audit, Models.SegmentationModel model, Data.PrefetchLoader loader, ExperimentConfig experiment, int group)
    {
        model.Eval();
        var predictor = new Predictor(images => model.Forward(images).Prediction, experiment.Net.NumClasses);
        var pending = new List<(Tensor Scores, Tensor Truth)>();
        void Flush()
        {
            if (pending.Count == 0) return;
            using var scope = Torch.Torch.NewDisposeScope();
            audit.Add(Torch.Torch.Cat(pending.Select(p => p.Scores).ToArray()), Torch.Torch.Cat(pending.Select(p => p.Truth).ToArray()));
            foreach (var (scores, truth) in pending) { scores.Dispose(); truth.Dispose(); }
            pending.Clear();
        }
        using (Torch.Torch.NoGrad())
        {
            foreach (var batch in loader.Epoch(0))
            {
                using var tensors = batch.ToTensors(experiment.Device);
                var scores = predictor.Scores(tensors.Images).DetachFromDisposeScope();
                var truth = tensors.Labels.Long().DetachFromDisposeScope();
                if (pending.Count > 0 && !pending[0].Truth.Shape.Skip(1).SequenceEqual(truth.Shape.Skip(1))) Flush();
                pending.Add((scores, truth));
                if (pending.Sum(p => p.Truth.Size(0)) >= group) Flush();
            }
            Flush();
        }
    }

    private static void Print(PseudoLabelAudit.Result r, PseudoLabelAudit audit, IReadOnlyList<string> classNames, string list, int images)
    {
        string P(double v) => double.IsNaN(v) ? "-" : (v * 100).ToString("F1", CultureInfo.InvariantCulture);
        var total = r.Reliable + r.Unreliable;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{images} images from {list}; {total} labelled pixels, the top {audit.UnreliablePercent:F0}% entropy of each batch unreliable"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reliable   {r.Reliable,10} pixels, pseudo-label accuracy {P(r.ReliableAccuracy)}%"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"unreliable {r.Unreliable,10} pixels, pseudo-label accuracy {P(r.UnreliableAccuracy)}%"));
        var ranks = string.Join(", ", r.UnreliableTrueRank.Select((n, k) => $"{k}: {P(r.Unreliable == 0 ? double.NaN : (double)n / r.Unreliable)}%"));
        Console.WriteLine($"unreliable pixels by the rank of their true class (0 = most probable): {ranks}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrong negatives: {P(r.WrongNegativeRate)}% of unreliable pixels have their true class among ranks {audit.LowRank}..{audit.HighRank - 1}, where U2PL takes negatives"));
        var table = new Table().Title("reliable pixels per class");
        table.AddColumn("class");
        foreach (var title in new[] { "truth %", "pseudo-labels %", "precision %", "recall %" }) table.AddColumn(new TableColumn(title).RightAligned());
        for (var c = 0; c < audit.NumClasses; c++)
            table.AddRow(Markup.Escape(c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture)),
                P(r.Reliable == 0 ? double.NaN : (double)r.ReliableTruthCounts[c] / r.Reliable),
                P(r.Reliable == 0 ? double.NaN : (double)r.ReliablePseudoCounts[c] / r.Reliable),
                P(r.Precision(c)), P(r.Recall(c)));
        AnsiConsole.Write(table);
    }
}
