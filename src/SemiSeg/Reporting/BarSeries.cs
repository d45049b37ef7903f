namespace SemiSeg.Reporting;

/// <summary>
/// One run's bars in a grouped bar chart (<see cref="ChartPlots.GroupedBars"/>): a value per category, null where it has none;
/// without a colour it takes the chart's n-th series colour.
/// </summary>
public sealed record BarSeries(string Name, IReadOnlyList<double?> Values, Rgb? Color = null);
