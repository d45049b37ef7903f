namespace SemiSeg.Methods;

/// <summary>The range checks the option records share; each throws <see cref="MethodOptionException"/>.</summary>
internal static class OptionChecks
{
    public static void Finite(string key, double value)
    {
        if (!double.IsFinite(value)) throw new MethodOptionException(key, value, "must be a finite number");
    }

    public static void InRange(string key, double value, double min, double max)
    {
        Finite(key, value);
        if (value < min || value > max) throw new MethodOptionException(key, value, $"must be in [{min}, {max}]");
    }

    public static void AtLeast(string key, double value, double min)
    {
        Finite(key, value);
        if (value < min) throw new MethodOptionException(key, value, $"must be >= {min}");
    }

    public static void Positive(string key, double value)
    {
        Finite(key, value);
        if (value <= 0) throw new MethodOptionException(key, value, "must be > 0");
    }

    public static void OneOf(string key, string? value, params string[] allowed)
    {
        if (value is null || !allowed.Contains(value))
            throw new MethodOptionException(key, value, $"must be one of {string.Join(", ", allowed)}");
    }
}
