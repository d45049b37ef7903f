namespace SemiSeg.Data;

/// <summary>Bad input data: the message names the file (or split line) and what is wrong with it.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    public DatasetException(string filePath, string fault, Exception? inner = null)
        : base($"{filePath}: {fault}", inner) => FilePath = filePath;
}
