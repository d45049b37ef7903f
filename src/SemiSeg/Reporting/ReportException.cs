namespace SemiSeg.Reporting;

/// <summary>A run directory or one of its files cannot be reported on; the message names the path.</summary>
public sealed class ReportException : Exception
{
    public ReportException(string message, Exception? inner = null) : base(message, inner) { }
}
