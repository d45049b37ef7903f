namespace SemiSeg.Methods;

/// <summary>
/// A method option (a config key such as <c>trainer.contrastive.low_rank</c>) holds a value the
/// method cannot use. The message names the key, the value and what is allowed.
/// </summary>
public sealed class MethodOptionException : Exception
{
    public MethodOptionException(string key, object? value, string requirement)
        : base($"{key} = {Format(value)}: {requirement}")
    {
        Key = key;
        Value = value;
    }

    /// <summary>The full config path of the offending option.</summary>
    public string Key { get; }

    public object? Value { get; }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };
}
