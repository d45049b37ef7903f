namespace SemiSeg;

/// <summary>
/// A configuration value that cannot be used. <see cref="Key"/> is its dotted path as written in the
/// config file (net.encoder.kwargs.width); <see cref="Source"/> the file, when known.
/// </summary>
public sealed class ConfigException : Exception
{
    public string Key { get; }
    public string? Source { get; }
    public string Problem { get; }

    public ConfigException(string key, string problem, string? source = null)
        : base(source is null ? $"{key}: {problem}" : $"{source}: {key}: {problem}")
    {
        (Key, Problem, Source) = (key, problem, source);
    }

    /// <summary>The same error, attributed to a file.</summary>
    public ConfigException InFile(string source) => new(Key, Problem, source);
}
