namespace SemiSeg.Config;

/// <summary>A bad configuration: names the file, the key path and what is wrong with its value.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message) { }
}
