using System.Globalization;
using SemiSeg.Training;

namespace SemiSeg.Reporting;

/// <summary>
/// `semiseg report`: one HTML page over finished runs (summary table, training curves,
/// per-class IoU, the Fig. 4 scene grid and U2PL's Fig. 2 panel), plus every figure as files in
/// FILE_figures/ beside the page (SVG and PNG charts, PNG picture grids) for docs to link.
/// </summary>
public static class RunReport
{
    public static ReportOutput Write(IReadOnlyList<string> runDirectories, string htmlPath)
    {
        if (runDirectories.Count == 0) throw new ReportException("no run directory given; name at least one");
        var runs = runDirectories.Select(RunRecord.Load).ToList();
        CheckSameClasses(runs);
        var labels = ReportCharts.Labels(runs);

        var html = Path.GetFullPath(htmlPath);
        var figuresName = Path.GetFileNameWithoutExtension(html) + "_figures";
        var figuresDirectory = Path.Combine(Path.GetDirectoryName(html)!, figuresName);
        Directory.CreateDirectory(figuresDirectory);
        var files = new List<string>();
        string Save(string name, RgbImage image)
        {
            var path = Path.Combine(figuresDirectory, name);
            PngFile.Write(path, image);
            files.Add(path);
            return $"{figuresName}/{name}";
        }
        void SaveChart(ChartFigure figure) => files.AddRange(figure.WriteFiles(figuresDirectory));

        var page = new HtmlPage();
        page.Heading("SemiSeg report", 1);
        page.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"{runs.Count} run(s), report written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. mIoU and IoU in percent; runs are labelled by method."));
        foreach (var run in runs.Where(r => !r.IsFinished))
            page.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"{run.Name} is still going: {run.Evaluations.Count} of {run.Summary.Epochs} epochs recorded; its numbers are as of its last epoch."));
        page.Heading("Summary");
        page.SummaryTable(runs, labels);

        page.Heading("Training curves");
        foreach (var figure in ReportCharts.TrainingCurves(runs, labels))
        {
            SaveChart(figure);
            page.Chart(figure, figuresName);
        }

        page.Heading("Per-step curves");
        var stepCurves = ReportCharts.StepCurves(runs, labels);
        if (stepCurves.Count == 0) page.Paragraph($"No run wrote {StepLog.FileName} (trainer.log_every).");
        foreach (var figure in stepCurves)
        {
            SaveChart(figure);
            page.Chart(figure, figuresName);
        }

        page.Heading("Per-class IoU");
        var perClass = ReportCharts.PerClassIoU(runs, labels);
        SaveChart(perClass);
        page.Chart(perClass, figuresName);
        page.PerClassTable(runs, labels);

        page.Heading("Class colours");
        var classColors = ReportCharts.ClassColors(runs[0].Summary.ClassNames);
        SaveChart(classColors);
        page.Chart(classColors, figuresName);

        page.Heading("Validation scenes: each run's prediction");
        var rows = SceneFigures.ValidationRows(runs);
        if (rows.Count == 0) page.Paragraph("No run wrote validation pictures (visuals/visuals.json).");
        else page.ValidationGrid(rows, labels, Save("validation_scenes.png", SceneFigures.ValidationGrid(rows, labels)));

        page.Heading("Unlabelled scenes as U2PL sees them");
        var withUnlabeled = Enumerable.Range(0, runs.Count).Where(i => runs[i].Visuals?.Unlabeled.Count > 0).ToList();
        if (withUnlabeled.Count == 0) page.Paragraph("No run wrote unlabelled-scene pictures (U2PL runs do).");
        foreach (var i in withUnlabeled)
            page.UnlabeledPanel(runs[i], labels[i], Save($"unlabeled_{i + 1}_{VisualsWriter.FileSafe(runs[i].Name)}.png", SceneFigures.UnlabeledPanel(runs[i])));

        if (runs.Any(r => r.ConfigText is not null))
        {
            page.Heading("Configurations");
            page.Configs(runs);
        }
        AtomicFile.WriteAllText(html, page.Render("SemiSeg report"));
        return new ReportOutput(html, figuresDirectory, files, runs.Where(r => !r.IsFinished).Select(r => r.Name).ToList());
    }

    /// <summary>Per-class charts compare class by class, so every run must name the same classes.</summary>
    private static void CheckSameClasses(IReadOnlyList<RunRecord> runs)
    {
        var first = runs[0];
        foreach (var run in runs.Skip(1))
            if (!run.Summary.ClassNames.SequenceEqual(first.Summary.ClassNames))
                throw new ReportException(
                    $"{Path.Combine(run.Directory, RunRecord.SummaryFileName)}: class_names [{string.Join(", ", run.Summary.ClassNames)}] differ from " +
                    $"[{string.Join(", ", first.Summary.ClassNames)}] in {Path.Combine(first.Directory, RunRecord.SummaryFileName)}; report runs of one dataset together");
    }
}
