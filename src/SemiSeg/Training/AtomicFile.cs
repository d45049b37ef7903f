namespace SemiSeg.Training;

/// <summary>
/// Writes files so that a crash or a full disk never leaves a half-written one in place: the
/// content goes to a temporary file in the same directory, which then replaces the target.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>Runs <paramref name="writeTo"/> on a temporary path, then moves it onto <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> writeTo)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            writeTo(temp);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
    }

    /// <summary>Appends one line; a line is written whole or not at all from the reader's point of view.</summary>
    public static void AppendLine(string path, string line)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
