using System.CommandLine;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// The options every command that reads a config shares: <c>--set key.path=value</c> (repeatable),
/// and <c>--device</c> / <c>--threads</c>, which are the config's top-level <c>device</c> and
/// <c>threads</c> keys (so they are checked, saved with a run and stored in its checkpoints alike).
/// </summary>
internal sealed class RunOptions
{
    public Option<string[]> Set { get; } = new("--set") { Description = "override a config key: --set trainer.epochs=5 (repeatable; the value is YAML)" };
    public Option<string?> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N (sets the config's device key)" };
    public Option<int?> Threads { get; } = new("--threads") { Description = "libtorch intra-op threads (sets the config's threads key; 0: libtorch's default)" };

    public RunOptions AddTo(Command command)
    {
        command.Options.Add(Set);
        command.Options.Add(Device);
        command.Options.Add(Threads);
        return this;
    }

    /// <summary>The --set assignments, then --device and --threads as assignments of their keys.</summary>
    public List<string> Overrides(ParseResult result)
    {
        var overrides = (result.GetValue(Set) ?? Array.Empty<string>()).ToList();
        if (result.GetValue(Device) is { } device) overrides.Add($"device={device}");
        if (result.GetValue(Threads) is { } threads) overrides.Add($"threads={threads}");
        return overrides;
    }
}
