namespace SemiSeg.Reporting;

/// <summary>
/// `semiseg report --follow`: rewrites the report every interval while its runs are going, and
/// stops by itself once every run has finished (<see cref="RunRecord.IsFinished"/>) or when
/// cancelled (Ctrl-C). A run that cannot be read yet (no summary.json before its first epoch ends)
/// is waited for rather than refused; the page is replaced whole each time (written atomically).
/// </summary>
public static class ReportFollower
{
    /// <returns>How many times the report was written.</returns>
    public static int Follow(IReadOnlyList<string> runDirectories, string htmlPath, TimeSpan interval, Action<string> log,
                             CancellationToken cancel)
    {
        if (runDirectories.Count == 0) throw new ReportException("no run directory given; name at least one");
        if (interval <= TimeSpan.Zero) throw new ReportException($"--interval must be positive, got {interval.TotalSeconds} s");
        // A misspelt directory would be waited for forever: only runs that exist can still be going.
        foreach (var directory in runDirectories)
            if (!Directory.Exists(directory)) throw new ReportException($"{Path.GetFullPath(directory)}: run directory does not exist");
        var writes = 0;
        string? lastProblem = null;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                var output = RunReport.Write(runDirectories, htmlPath);
                writes++;
                lastProblem = null;
                if (output.Running.Count == 0)
                {
                    log($"wrote {output.HtmlPath}; every run has finished");
                    return writes;
                }
                log($"{DateTime.Now:HH:mm:ss} wrote {output.HtmlPath}; still going: {string.Join(", ", output.Running)}");
            }
            catch (ReportException e)
            {
                // Said once, not every interval: the run has not written it yet, or a file is being replaced.
                if (e.Message != lastProblem) log($"waiting: {e.Message}");
                lastProblem = e.Message;
            }
            if (cancel.WaitHandle.WaitOne(interval)) break;
        }
        return writes;
    }
}
