namespace SemiSeg.Training;

/// <summary>Running means of the logged loss terms over an epoch (or the steps between two lines of steps.jsonl).</summary>
internal sealed class LossAverages
{
    private readonly Dictionary<string, (double Sum, int Count)> sums = new();

    public void Add(IReadOnlyDictionary<string, double> values)
    {
        foreach (var (name, value) in values)
        {
            var (sum, count) = sums.GetValueOrDefault(name);
            sums[name] = (sum + value, count + 1);
        }
    }

    public void Clear() => sums.Clear();

    public IReadOnlyDictionary<string, double> Averages() => sums.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count);
}
