namespace SemiSeg.Reporting;

/// <summary>
/// Pictures side by side in rows and columns on a white page, with optional column headers and
/// row labels (<see cref="PictureText"/>): the layout of the paper's Fig. 2 and Fig. 4.
/// </summary>
public static class ImageGrid
{
    private const int HeaderRoom = 20;
    private static readonly Rgb Ink = new(40, 40, 40);

    /// <summary>
    /// One row per list; each column is as wide as its widest picture and each row as tall as its
    /// tallest. A null cell (a run without that scene) is hatched.
    /// </summary>
    public static RgbImage Compose(IReadOnlyList<IReadOnlyList<RgbImage?>> rows, IReadOnlyList<string>? columnHeaders = null,
                                   IReadOnlyList<string>? rowLabels = null, int gap = 6)
    {
        if (rows.Count == 0) throw new ArgumentException("a grid needs at least one row");
        if (rowLabels is not null && rowLabels.Count != rows.Count)
            throw new ArgumentException($"{rowLabels.Count} row labels for {rows.Count} rows");
        var columns = Math.Max(rows.Max(r => r.Count), columnHeaders?.Count ?? 0);
        var widths = new int[columns];
        var heights = new int[rows.Count];
        for (var r = 0; r < rows.Count; r++)
            for (var c = 0; c < rows[r].Count; c++)
                if (rows[r][c] is { } cell)
                {
                    widths[c] = Math.Max(widths[c], cell.Width);
                    heights[r] = Math.Max(heights[r], cell.Height);
                }
        for (var c = 0; c < columns; c++) widths[c] = Math.Max(widths[c], 16);
        for (var r = 0; r < rows.Count; r++) heights[r] = Math.Max(heights[r], 16);
        var labelRoom = rowLabels is null ? 0 : rowLabels.Max(PictureText.Measure) + gap;
        var top = columnHeaders is null ? gap : HeaderRoom + gap;
        var page = RgbImage.Filled(top + heights.Sum() + gap * rows.Count, gap + labelRoom + widths.Sum() + gap * columns, Rgb.White);

        var labels = new List<(int X, int Y, string Text)>();
        var x = gap + labelRoom;
        for (var c = 0; c < columns; c++)
        {
            var header = c < (columnHeaders?.Count ?? 0) ? columnHeaders![c] : null;
            if (header is not null)
                labels.Add((x, HeaderRoom - 6, PictureText.Fit(header, widths[c])));
            var y = top;
            for (var r = 0; r < rows.Count; r++)
            {
                var cell = c < rows[r].Count ? rows[r][c] : null;
                if (cell is not null) page.Paste(cell, x, y);
                else Hatch(page, x, y, widths[c], heights[r]);
                y += heights[r] + gap;
            }
            x += widths[c] + gap;
        }
        if (rowLabels is not null)
        {
            var y = top;
            for (var r = 0; r < rows.Count; r++)
            {
                labels.Add((gap, y + heights[r] / 2 + 4, rowLabels[r]));
                y += heights[r] + gap;
            }
        }
        PictureText.Draw(page, labels, Ink);
        return page;
    }

    /// <summary>Pictures in one row.</summary>
    public static RgbImage SideBySide(params RgbImage[] images) => Compose(new[] { (IReadOnlyList<RgbImage?>)images });

    private static void Hatch(RgbImage page, int x, int y, int width, int height)
    {
        for (var row = 0; row < height; row++)
            for (var col = 0; col < width; col++) page.Plot(x + col, y + row, LabelPalette.IgnoreAt(col, row));
    }
}
