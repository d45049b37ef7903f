namespace SemiSeg.Training;

/// <summary>
/// Writes files so that a crash or a full disk never leaves a half-written one in place: the
/// content goes to a temporary file in the same directory (named <c>.NAME.*.tmp</c>, so
/// <see cref="RemoveLeftovers"/> finds what a killed writer left), is flushed to disk, and then
/// replaces the target by a rename. A failure names the file and the reason (for example
/// "No space left on device").
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Test hook for the kill test (bench/kill_test.sh): milliseconds to pause after the temporary
    /// file is written and before it replaces the target, so that a SIGKILL can land inside a write.
    /// </summary>
    public const string PauseVariable = "SEMISEG_TEST_WRITE_PAUSE_MS";

    /// <summary>Test hook: the name of a file (e.g. summary.json) whose next write fails as a full disk would.</summary>
    public const string FailVariable = "SEMISEG_TEST_WRITE_FAIL";

    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>Copies <paramref name="source"/> onto <paramref name="path"/> atomically.</summary>
    public static void Copy(string source, string path) => Write(path, temp => File.Copy(source, temp, overwrite: true));

    /// <summary>Runs <paramref name="writeTo"/> on a temporary path, then moves it onto <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> writeTo)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = TemporaryPath(full);
        try
        {
            writeTo(temp);
            Settle(temp, full);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            // The innermost message is the reason (e.g. "No space left on device"); the file is this one.
            throw new IOException($"cannot write {full}: {e.GetBaseException().Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A temporary name beside <paramref name="path"/> that <see cref="RemoveLeftovers"/> recognises.</summary>
    public static string TemporaryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Flushes the temporary file to disk (so the rename never publishes bytes still in the page
    /// cache) and applies the test hooks. Also used by <c>TorchFile.Save</c>'s caller through <see cref="Write"/>.
    /// </summary>
    private static void Settle(string temp, string target)
    {
        if (Environment.GetEnvironmentVariable(FailVariable) is { Length: > 0 } failing && failing == Path.GetFileName(target))
            throw new IOException("No space left on device (injected by " + FailVariable + ")");
        using (var written = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
        if (int.TryParse(Environment.GetEnvironmentVariable(PauseVariable), out var pause) && pause > 0) Thread.Sleep(pause);
    }

    /// <summary>Deletes the temporary files of writes that were interrupted (only call this while holding the folder's lock).</summary>
    public static IReadOnlyList<string> RemoveLeftovers(string directory)
    {
        if (!Directory.Exists(directory)) return Array.Empty<string>();
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            File.Delete(file);
            removed.Add(file);
        }
        return removed;
    }

    /// <summary>
    /// Appends one line and flushes it to disk: for append-only logs (steps.jsonl) whose reader drops a torn
    /// last line and whose writer trims lines past the resume point, so they need no rename.
    /// </summary>
    public static void AppendLine(string path, string line)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { }   // the original failure is the one to report
    }
}
