namespace SemiSeg.Reporting;

/// <summary>What <see cref="RunReport.Write"/> wrote: the page and the figure files beside it.</summary>
public sealed record ReportOutput(string HtmlPath, string FiguresDirectory, IReadOnlyList<string> FigureFiles);
