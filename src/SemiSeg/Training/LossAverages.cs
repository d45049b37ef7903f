namespace SemiSeg.Training;

/// <summary>Running means of the logged loss terms over an epoch (or the steps between two lines of steps.jsonl).</summary>
public sealed class LossAverages
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

    /// <summary>Steps added so far (every step logs the total; some terms only in some phases).</summary>
    public int Steps => sums.Count == 0 ? 0 : sums.Values.Max(v => v.Count);

    public IReadOnlyDictionary<string, double> Averages() => sums.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count);

    /// <summary>The sums and counts as a checkpoint entry, so an epoch stopped part way averages the same once resumed.</summary>
    public Torch.Serialization.TorchDict ToDict()
    {
        var dict = new Torch.Serialization.TorchDict();
        foreach (var (name, (sum, count)) in sums)
            dict.Set(name, Torch.Serialization.TorchValue.FromList(new[] { Torch.Serialization.TorchValue.FromDouble(sum), Torch.Serialization.TorchValue.FromInt(count) }));
        return dict;
    }

    public static LossAverages FromDict(Torch.Serialization.TorchDict dict)
    {
        var averages = new LossAverages();
        foreach (var name in dict.Keys)
        {
            var pair = dict.GetList(name);
            averages.sums[name.AsString()] = (pair[0].AsDouble(), (int)pair[1].AsInt());
        }
        return averages;
    }
}
