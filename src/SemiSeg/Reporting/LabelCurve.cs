namespace SemiSeg.Reporting;

/// <summary>
/// The Table 1 grid as a picture: each method's best mIoU (mean over seeds) against the number of
/// labelled images on a log2 axis, where the protocol's splits (1/16, 1/8, 1/4, 1/2, full) are
/// equally spaced, so the gap between a semi-supervised method and SupOnly reads at a glance.
/// </summary>
public static class LabelCurve
{
    /// <summary>Null when no run is named METHOD-SPLIT.</summary>
    public static IReadOnlyList<ChartSeries>? Series(IReadOnlyList<ResultsTable.Row> rows)
    {
        var cells = ResultsTable.GridCells(rows);
        if (cells.Count == 0) return null;
        return ResultsTable.GridMethods(cells).Select(method => new ChartSeries(method, cells.Where(c => c.Key.Method == method)
            .Select(c => (Math.Log2(c.Value.Labeled), c.Value.MeanMiou)).OrderBy(p => p.Item1).ToList())).ToList();
    }

    /// <summary>Null when no run is named METHOD-SPLIT.</summary>
    internal static ChartFigure? Chart(IReadOnlyList<ResultsTable.Row> rows, string stem = "label_curve")
    {
        if (Series(rows) is not { } series) return null;
        const string title = "best mIoU by labelled images (mean over seeds)";
        return ChartFigure.Render(stem, title, ChartPlots.Lines(title, "labelled images, log2 (6 = 64, 10 = 1,024)", "best mIoU %", series));
    }

    /// <summary>Writes the chart as <paramref name="pngPath"/> and as SVG beside it (same name, .svg).</summary>
    public static bool Write(IReadOnlyList<ResultsTable.Row> rows, string pngPath)
    {
        if (Chart(rows, Path.GetFileNameWithoutExtension(pngPath)) is not { } chart) return false;
        chart.WriteFiles(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        return true;
    }
}
