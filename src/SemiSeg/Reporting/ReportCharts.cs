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

    public static ChartFigure PerClassIoU(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels)
    {
        var chart = new BarChart("Per-class IoU (summary)", "IoU (%)", runs[0].Summary.ClassNames);
        for (var i = 0; i < runs.Count; i++)
            chart.Series.Add(new BarSeries(labels[i], runs[i].Summary.PerClassIoU.Select(v => v * 100).ToList(), SeriesColors.Of(i)));
        return new ChartFigure("per_class_iou", "Per-class IoU of each run (%); a gap is a class absent from the validation set.",
                               chart.ToSvg(), chart.ToImage());
    }

    private static ChartFigure Curve(string stem, string title, string yLabel, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels,
                                     Func<Training.EvaluationRecord, double> value)
    {
        var chart = new LineChart(title, "training step", yLabel);
        for (var i = 0; i < runs.Count; i++)
        {
            var points = runs[i].Evaluations.Select(e => ((double)e.Step, value(e))).Where(p => !double.IsNaN(p.Item2)).ToList();
            // A run without this term (SupOnly has no "unsup") gets no line rather than an empty legend entry.
            if (points.Count > 0) chart.Series.Add(new ChartSeries(labels[i], points, SeriesColors.Of(i)));
        }
        return new ChartFigure(stem, title, chart.ToSvg(), chart.ToImage());
    }
}
