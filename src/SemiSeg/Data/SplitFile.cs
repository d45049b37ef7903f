namespace SemiSeg.Data;

/// <summary>
/// Split lists in the official format (U2PL's data/splits): one entry per line, an image id for
/// PASCAL VOC, an image path for Cityscapes. Read unchanged; blank lines, surrounding spaces,
/// CRLF endings and a byte-order mark are tolerated.
/// </summary>
public static class SplitFile
{
    public const string Labelled = "labeled.txt";     // the official spelling
    public const string Unlabelled = "unlabeled.txt";

    /// <summary>The entries of a split file with their 1-based line numbers, in file order.</summary>
    public static IReadOnlyList<(int Line, string Entry)> ReadWithLines(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, "split file does not exist");
        var entries = new List<(int, string)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length > 0) entries.Add((lineNumber, line));
        }
        if (entries.Count == 0) throw new DatasetException(path, "split file lists no samples");
        return entries;
    }

    public static IReadOnlyList<string> Read(string path) => ReadWithLines(path).Select(e => e.Entry).ToList();

    /// <summary>Writes one entry per line with '\n' endings (byte-identical for the same entries).</summary>
    public static void Write(string path, IEnumerable<string> entries)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var entry in entries) writer.WriteLine(entry);
    }

    /// <summary>Writes <c>dir/labeled.txt</c> and <c>dir/unlabeled.txt</c>.</summary>
    public static void WritePartition(string directory, LabelledPartition partition)
    {
        Write(Path.Combine(directory, Labelled), partition.Labelled);
        Write(Path.Combine(directory, Unlabelled), partition.Unlabelled);
    }

    /// <summary>Reads <c>dir/labeled.txt</c> and <c>dir/unlabeled.txt</c> (the unlabelled list may be absent: full supervision).</summary>
    public static LabelledPartition ReadPartition(string directory)
    {
        var unlabelled = Path.Combine(directory, Unlabelled);
        return new LabelledPartition(Read(Path.Combine(directory, Labelled)),
                                     File.Exists(unlabelled) ? Read(unlabelled) : Array.Empty<string>());
    }
}
