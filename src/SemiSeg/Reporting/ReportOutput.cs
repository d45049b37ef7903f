namespace SemiSeg.Reporting;

/// <summary>
/// What <see cref="RunReport.Write"/> wrote: the page and the figure files beside it, and the runs
/// that are still going (not <see cref="RunRecord.IsFinished"/>), by directory name.
/// </summary>
public sealed record ReportOutput(string HtmlPath, string FiguresDirectory, IReadOnlyList<string> FigureFiles, IReadOnlyList<string> Running);
