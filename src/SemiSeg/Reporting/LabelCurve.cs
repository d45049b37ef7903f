namespace SemiSeg.Reporting;

/// <summary>
/// The Table 1 grid as a picture: each method's best mIoU (mean over seeds) against the number of
/// labelled images on a log2 axis, where the protocol's splits (1/16, 1/8, 1/4, 1/2, full) are
/// equally spaced, so the gap between a semi-supervised method and SupOnly reads at a glance.
/// </summary>
public static class LabelCurve
{
    /// <summary>Null when no run is named METHOD-SPLIT.</summary>
    public static LineChart? Chart(IReadOnlyList<ResultsTable.Row> rows)
    {
        var cells = ResultsTable.GridCells(rows);
        if (cells.Count == 0) return null;
        var chart = new LineChart("best mIoU by labelled images (mean over seeds)", "labelled images, log2 (6 = 64, 10 = 1,024)", "best mIoU %");
        foreach (var method in ResultsTable.GridMethods(cells))
            chart.Series.Add(new ChartSeries(method, cells.Where(c => c.Key.Method == method)
                .Select(c => (Math.Log2(c.Value.Labeled), c.Value.MeanMiou)).OrderBy(p => p.Item1).ToList()));
        return chart;
    }

    /// <summary>Writes the chart as <paramref name="pngPath"/> and as SVG beside it (same name, .svg).</summary>
    public static bool Write(IReadOnlyList<ResultsTable.Row> rows, string pngPath)
    {
        if (Chart(rows) is not { } chart) return false;
        var directory = Path.GetDirectoryName(Path.GetFullPath(pngPath))!;
        Directory.CreateDirectory(directory);
        PngFile.Write(pngPath, chart.ToImage());
        File.WriteAllText(Path.ChangeExtension(pngPath, ".svg"), chart.ToSvg());
        return true;
    }
}
