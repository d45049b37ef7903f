using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SemiSeg.Config;

/// <summary>
/// Bounds how deep a YAML document nests before it is turned into a node tree: YamlDotNet builds
/// the tree recursively, so a document nested 100,000 levels deep (a hostile config, or the config
/// stored in a crafted checkpoint) would overflow the stack and abort the process. The check walks
/// the parser's flat event stream, which needs no recursion.
/// </summary>
public static class YamlDepth
{
    /// <summary>Configs nest about five levels; anything near this is not a config.</summary>
    public const int Max = 64;

    /// <summary>Throws a <see cref="ConfigException"/> naming <paramref name="source"/> and the line where the nesting passes <see cref="Max"/>.</summary>
    public static void Ensure(string yaml, string source)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart:
                        if (++depth > Max)
                            throw new ConfigException($"line {parser.Current.Start.Line}", $"the document nests deeper than {Max} levels", source);
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new ConfigException($"line {e.Start.Line}", $"invalid YAML: {e.InnerException?.Message ?? e.Message}", source);
        }
    }
}
