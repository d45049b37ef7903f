namespace SemiSeg.Reporting;

/// <summary>
/// One line of a line chart (<see cref="ChartPlots.Lines"/>): a named run and its (x, y) points in x order; without a
/// colour it takes the chart's n-th series colour.
/// </summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, Rgb? Color = null);
