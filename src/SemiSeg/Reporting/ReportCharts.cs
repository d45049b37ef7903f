using SemiSeg.Training;

namespace SemiSeg.Reporting;

/// <summary>
/// The report's charts from a set of runs: mIoU, the learning rate and each loss term at every
/// evaluation (one line per run), and per-class IoU (one bar per run and class). Curves run against
/// the training step, not the epoch: epochs differ in length between methods (SupOnly's is one pass
/// over the labelled images, a semi-supervised epoch is capped by the unlabelled ones), steps do not.
/// </summary>
internal static class ReportCharts
{
    /// <summary>
    /// A label per run: its method, with the directory name added when several runs share a
    /// method (seeds, ablations), so every legend entry is unique.
    /// </summary>
    public static IReadOnlyList<string> Labels(IReadOnlyList<RunRecord> runs) =>
        runs.Select(r => runs.Count(o => o.Summary.Method == r.Summary.Method) > 1 ? $"{r.Summary.Method} ({r.Name})" : r.Summary.Method)
            .ToList();

    public static IReadOnlyList<ChartFigure> TrainingCurves(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels)
    {
        var figures = new List<ChartFigure>
        {
            Curve("miou", "Validation mIoU", "mIoU (%)", runs, labels, e => e.MeanIoU * 100),
            Curve("learning_rate", "Learning rate at each evaluation", "learning rate", runs, labels, e => e.LearningRate),
        };
        // Loss terms in the order they first appear, so "sup" comes before "unsup" as the trainer logs them.
        var terms = runs.SelectMany(r => r.Evaluations).SelectMany(e => e.Losses.Keys).Distinct().ToList();
        foreach (var term in terms)
            figures.Add(Curve("loss_" + VisualsWriter.FileSafe(term), $"Loss '{term}' (epoch average)", "loss", runs, labels,
                              e => e.Losses.TryGetValue(term, out var v) ? v : double.NaN));
        return figures;
    }

    /// <summary>
    /// The per-step curves of steps.jsonl (trainer.log_every): each loss term, the learning rate and
    /// the data wait, one line per run that wrote the file; none when no run did.
    /// </summary>
    public static IReadOnlyList<ChartFigure> StepCurves(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels)
    {
        if (runs.All(r => r.Steps.Count == 0)) return Array.Empty<ChartFigure>();
        var figures = new List<ChartFigure>();
        var terms = runs.SelectMany(r => r.Steps).SelectMany(s => s.Losses.Keys).Distinct().ToList();
        foreach (var term in terms)
            figures.Add(StepCurve("step_loss_" + VisualsWriter.FileSafe(term), $"Loss '{term}' per step (mean since the previous line)", "loss",
                                  runs, labels, s => s.Losses.TryGetValue(term, out var v) ? v : double.NaN));
        figures.Add(StepCurve("step_learning_rate", "Learning rate per step", "learning rate", runs, labels, s => s.LearningRate));
        figures.Add(StepCurve("step_data_wait", "Data wait per step (seconds waiting for batches / steps)", "seconds per step", runs, labels,
                              s => s.DataWaitSeconds / Math.Max(1, s.Steps)));
        return figures;
    }

    public static ChartFigure PerClassIoU(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels)
    {
        var classes = runs[0].Summary.ClassNames;
        var series = runs.Select((r, i) => new BarSeries(labels[i], r.Summary.PerClassIoU.Select(v => v * 100).ToList(), SeriesColors.Of(i))).ToList();
        var plot = ChartPlots.GroupedBars("Per-class IoU (summary)", "IoU (%)", classes, series);
        return ChartFigure.Render("per_class_iou", "Per-class IoU of each run (%); a gap is a class absent from the validation set.",
                                  plot, ChartPlots.GroupedBarsWidth(classes.Length, runs.Count));
    }

    /// <summary>The label pictures' colours by class, so a reader can name what a prediction shows.</summary>
    public static ChartFigure ClassColors(IReadOnlyList<string> classNames) =>
        ChartFigure.Render("class_colors", "Class colours of the ground-truth, prediction and pseudo-label pictures.",
                           ChartPlots.ClassLegend(classNames), ChartFigure.DefaultWidth, ChartPlots.ClassLegendHeight(classNames.Count));

    private static ChartFigure StepCurve(string stem, string title, string yLabel, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels,
                                         Func<StepRecord, double> value)
    {
        var series = runs.Select((r, i) => new ChartSeries(labels[i],
            r.Steps.Select(s => ((double)s.Step, value(s))).Where(p => !double.IsNaN(p.Item2)).ToList(), SeriesColors.Of(i))).ToList();
        return ChartFigure.Render(stem, title, ChartPlots.Lines(title, "training step", yLabel, series));
    }

    private static ChartFigure Curve(string stem, string title, string yLabel, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels,
                                     Func<Training.EvaluationRecord, double> value)
    {
        // A run without this term (SupOnly has no "unsup") gets no line rather than an empty legend entry.
        var series = runs.Select((r, i) => new ChartSeries(labels[i],
            r.Evaluations.Select(e => ((double)e.Step, value(e))).Where(p => !double.IsNaN(p.Item2)).ToList(), SeriesColors.Of(i))).ToList();
        return ChartFigure.Render(stem, title, ChartPlots.Lines(title, "training step", yLabel, series));
    }
}
