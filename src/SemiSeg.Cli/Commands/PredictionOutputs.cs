namespace SemiSeg.Cli.Commands;

/// <summary>
/// Where predict writes, decided and checked before anything is written: outputs keep the input's
/// extension in their names (x.png and x.bmp give x.png_label.png and x.bmp_label.png, not the
/// same files), the output folder may not be the input folder or inside it (a second run would
/// predict on its own outputs), and existing outputs are kept unless --overwrite.
/// </summary>
internal static class PredictionOutputs
{
    public static readonly string[] Suffixes = { "_label.png", "_color.png", "_overlay.png" };

    /// <summary>The output path prefix for each input file; throws naming the first file or folder at fault.</summary>
    public static IReadOnlyList<string> Plan(string input, IReadOnlyList<string> files, string outputDirectory, bool overwrite)
    {
        var output = Folder(outputDirectory);
        var inputFolder = Folder(Directory.Exists(input) ? input : Path.GetDirectoryName(Path.GetFullPath(input))!);
        if (output.StartsWith(inputFolder, StringComparison.Ordinal))
            throw new ArgumentException($"--output {outputDirectory} is {(output == inputFolder ? "the input folder" : "inside the input folder")} " +
                                        $"{inputFolder.TrimEnd(Path.DirectorySeparatorChar)}: predictions would mix with the images they come from; choose another --output");
        var stems = files.Select(f => Path.Combine(output, Path.GetFileName(f))).ToList();
        if (!overwrite && stems.SelectMany(s => Suffixes.Select(x => s + x)).FirstOrDefault(File.Exists) is { } existing)
            throw new IOException($"{existing} already exists; pass --overwrite to replace earlier predictions or choose another --output");
        return stems;
    }

    private static string Folder(string path) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) + Path.DirectorySeparatorChar;
}
