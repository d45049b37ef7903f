using System.Collections;

namespace SemiSeg.Torch.Serialization;

/// <summary>
/// An ordered dictionary of <see cref="TorchValue"/>s, as Python's dict: entries keep the order
/// they were added in (so a saved state dict lists its keys as the module does). The dictionary
/// owns its values: adding one hands it over, replacing or removing one frees it, and
/// <see cref="Dispose"/> frees them all.
/// </summary>
public sealed class TorchDict : IDisposable, IEnumerable<KeyValuePair<TorchKey, TorchValue>>
{
    private readonly List<KeyValuePair<TorchKey, TorchValue>> entries = new();
    private readonly Dictionary<TorchKey, int> positions = new();

    public int Count => entries.Count;
    public IEnumerable<TorchKey> Keys => entries.Select(e => e.Key);

    /// <summary>The value under a key, still owned by this dictionary.</summary>
    public TorchValue this[TorchKey key]
    {
        get => positions.TryGetValue(key, out var k) ? entries[k].Value : throw Missing(key);
        set => Set(key, value);
    }

    /// <summary>Adds a new key (for collection initialisers); a key already present is an error.</summary>
    public void Add(TorchKey key, TorchValue value)
    {
        if (positions.ContainsKey(key)) throw new ArgumentException($"key {key} is already in the dictionary");
        Set(key, value);
    }

    /// <summary>Sets a key, freeing the value it replaces; a new key goes to the end.</summary>
    public void Set(TorchKey key, TorchValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (positions.TryGetValue(key, out var k))
        {
            var old = entries[k].Value;
            entries[k] = new(key, value);
            if (!ReferenceEquals(old, value)) old.Dispose();
            return;
        }
        positions[key] = entries.Count;
        entries.Add(new(key, value));
    }

    public bool ContainsKey(TorchKey key) => positions.ContainsKey(key);

    public bool TryGetValue(TorchKey key, out TorchValue value)
    {
        value = positions.TryGetValue(key, out var k) ? entries[k].Value : null!;
        return value is not null;
    }

    /// <summary>Removes a key and hands its value to the caller, who then owns it.</summary>
    public TorchValue Take(TorchKey key)
    {
        if (!positions.TryGetValue(key, out var k)) throw Missing(key);
        var value = entries[k].Value;
        entries.RemoveAt(k);
        positions.Remove(key);
        for (var i = k; i < entries.Count; i++) positions[entries[i].Key] = i;
        return value;
    }

    /// <summary>Removes a key and frees its value; false when it was absent.</summary>
    public bool Remove(TorchKey key)
    {
        if (!positions.ContainsKey(key)) return false;
        Take(key).Dispose();
        return true;
    }

    // Typed reads whose errors name the key.
    public Tensor GetTensor(TorchKey key) => Read(key, v => v.AsTensor());
    public long GetInt(TorchKey key) => Read(key, v => v.AsInt());
    public double GetDouble(TorchKey key) => Read(key, v => v.AsDouble());
    public bool GetBool(TorchKey key) => Read(key, v => v.AsBool());
    public string GetString(TorchKey key) => Read(key, v => v.AsString());
    public TorchDict GetDict(TorchKey key) => Read(key, v => v.AsDict());
    public IReadOnlyList<TorchValue> GetList(TorchKey key) => Read(key, v => v.AsList());

    private T Read<T>(TorchKey key, Func<TorchValue, T> read)
    {
        var value = this[key];
        try { return read(value); }
        catch (InvalidCastException e) { throw new InvalidCastException($"key {key}: {e.Message}", e); }
    }

    /// <summary>A dictionary of tensor values (each its own detached handle) from name-tensor pairs, such as a module's state dict.</summary>
    public static TorchDict FromTensors(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var dict = new TorchDict();
        try
        {
            foreach (var (name, tensor) in tensors) dict.Add(name, TorchValue.FromTensor(tensor));
            return dict;
        }
        catch { dict.Dispose(); throw; }
    }

    /// <summary>
    /// The entries as name-tensor pairs for <see cref="nn.Module.LoadStateDict"/>. Every key must
    /// be a string and every value a tensor; the tensors stay owned by this dictionary.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> ToTensors()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>(Count);
        foreach (var (key, value) in entries)
        {
            if (!key.IsString) throw new InvalidCastException($"key {key} is not a string, so this is not a state dict");
            if (value.Kind != TorchValueKind.Tensor) throw new InvalidCastException($"key {key}: expected a tensor, found {value.Describe()}");
            tensors.Add(new(key.AsString(), value.AsTensor()));
        }
        return tensors;
    }

    private KeyNotFoundException Missing(TorchKey key)
    {
        var shown = string.Join(", ", entries.Take(12).Select(e => e.Key.ToString()));
        var more = Count > 12 ? $", ... ({Count} in all)" : "";
        return new KeyNotFoundException($"no key {key}; the dictionary has {(Count == 0 ? "no keys" : shown + more)}");
    }

    public IEnumerator<KeyValuePair<TorchKey, TorchValue>> GetEnumerator() => entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var (_, value) in entries) value.Dispose();
        entries.Clear();
        positions.Clear();
    }
}
