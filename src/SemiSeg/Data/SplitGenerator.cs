namespace SemiSeg.Data;

/// <summary>
/// Makes new labelled/unlabelled partitions of a training list, as the semi-supervised protocols
/// define them: a random subset of the given size is labelled and the complement is unlabelled.
/// The subset depends only on the list, the count and the seed.
/// </summary>
public static class SplitGenerator
{
    /// <summary>The protocol fractions of the papers (1/16, 1/8, 1/4, 1/2).</summary>
    public static IReadOnlyList<(string Name, double Fraction)> ProtocolFractions { get; } =
        new[] { ("1/16", 1.0 / 16), ("1/8", 1.0 / 8), ("1/4", 1.0 / 4), ("1/2", 1.0 / 2) };

    /// <summary>Labels <paramref name="labelledCount"/> entries chosen by the seed; both lists keep the input order.</summary>
    public static LabelledPartition ByCount(IReadOnlyList<string> entries, int labelledCount, ulong seed)
    {
        if (entries.Count == 0) throw new ArgumentException("cannot partition an empty list");
        if (entries.Distinct().Count() != entries.Count) throw new ArgumentException("the list to partition has duplicate entries");
        if (labelledCount < 1 || labelledCount > entries.Count)
            throw new ArgumentOutOfRangeException(nameof(labelledCount), labelledCount, $"must be in [1, {entries.Count}]");
        var order = DeterministicRandom.For(seed, 0x5350_4C49_54).Permutation(entries.Count);
        var chosen = new bool[entries.Count];
        for (var i = 0; i < labelledCount; i++) chosen[order[i]] = true;
        var labelled = new List<string>(labelledCount);
        var unlabelled = new List<string>(entries.Count - labelledCount);
        for (var i = 0; i < entries.Count; i++) (chosen[i] ? labelled : unlabelled).Add(entries[i]);
        return new LabelledPartition(labelled, unlabelled);
    }

    /// <summary>Labels ceil(fraction * N) entries, the rounding of U2PL's lists (e.g. 1464/16 -> 92, 2975/8 -> 372).</summary>
    public static LabelledPartition ByFraction(IReadOnlyList<string> entries, double fraction, ulong seed) =>
        ByCount(entries, CountFor(entries.Count, fraction), seed);

    public static int CountFor(int total, double fraction)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in (0, 1]");
        // The epsilon keeps exact products (4000/16 = 250) from rounding up through float error.
        return Math.Clamp((int)Math.Ceiling(total * fraction - 1e-9), 1, total);
    }

    /// <summary>Parses "1/16", "0.125", "full" (= 1) or "12.5%".</summary>
    public static double ParseFraction(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "full") return 1.0;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        double value;
        if (t.Contains('/'))
        {
            var parts = t.Split('/');
            if (parts.Length != 2 || !double.TryParse(parts[0], inv, out var num) || !double.TryParse(parts[1], inv, out var den) || den == 0)
                throw new FormatException($"'{text}' is not a fraction like 1/8");
            value = num / den;
        }
        else if (t.EndsWith('%') && double.TryParse(t[..^1], inv, out var percent)) value = percent / 100;
        else if (!double.TryParse(t, inv, out value)) throw new FormatException($"'{text}' is not a fraction (1/8, 0.125, 12.5% or full)");
        if (!(value > 0 && value <= 1)) throw new FormatException($"fraction '{text}' must be in (0, 1]");
        return value;
    }
}
