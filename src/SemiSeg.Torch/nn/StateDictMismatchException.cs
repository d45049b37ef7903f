namespace SemiSeg.Torch.nn;

/// <summary>A strict <see cref="Module.LoadStateDict"/> found keys that do not match; nothing was loaded.</summary>
public sealed class StateDictMismatchException : Exception
{
    public StateDictMismatchException(LoadReport report)
        : base($"Error(s) in loading state_dict for {report.ModuleName} (nothing was loaded):{report.DescribeProblems()}") =>
        Report = report;

    public LoadReport Report { get; }
}
