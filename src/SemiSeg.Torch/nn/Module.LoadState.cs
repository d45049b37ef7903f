namespace SemiSeg.Torch.nn;

public abstract partial class Module
{
    /// <summary>
    /// Copies a state dict's tensors into this module's own parameters and buffers (under no-grad,
    /// converting dtype as copy_ does), as model.load_state_dict. Strict (the default) checks
    /// first and throws a <see cref="StateDictMismatchException"/> naming every missing, unexpected
    /// and mis-shaped key without loading anything; lenient loads what matches and reports the
    /// rest (PyTorch raises on a size mismatch even when not strict; here it is reported).
    /// </summary>
    /// <param name="stripPrefix">Removed from the keys that start with it, such as "module." from DataParallel / DDP.</param>
    /// <param name="selectPrefix">Takes only the keys under this prefix, without it (e.g. "backbone." to load a part); others are ignored.</param>
    public LoadReport LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> entries, bool strict = true,
                                    string? stripPrefix = null, string? selectPrefix = null)
    {
        var source = Normalise(entries, stripPrefix, selectPrefix);
        var own = OwnedState();
        var loaded = new List<(Tensor Target, Tensor Source)>();
        var loadedKeys = new List<string>();
        var missing = new List<string>();
        var defaulted = new List<Tensor>();
        var defaultedKeys = new List<string>();
        var mismatches = new List<ShapeMismatch>();
        foreach (var (key, owner, localName, target) in own)
        {
            if (!source.TryGetValue(key, out var tensor))
            {
                if (owner.MayBeAbsentFromStateDict(localName)) { defaulted.Add(target); defaultedKeys.Add(key); }
                else missing.Add(key);
                continue;
            }
            var (expected, found) = (target.Shape, tensor.Shape);
            if (!expected.SequenceEqual(found)) mismatches.Add(new ShapeMismatch(key, expected, found));
            else { loaded.Add((target, tensor)); loadedKeys.Add(key); }
        }
        var ownKeys = own.Select(o => o.Key).ToHashSet();
        var unexpected = source.Keys.Where(k => !ownKeys.Contains(k)).ToList();
        var report = new LoadReport(GetType().Name, loadedKeys, missing, unexpected, mismatches, defaultedKeys);
        if (strict && !report.IsExact) throw new StateDictMismatchException(report);

        using var noGrad = Torch.NoGrad();
        foreach (var (target, tensor) in loaded) target.CopyInPlace(tensor);
        foreach (var target in defaulted) target.ZeroInPlace();
        return report;
    }

    /// <summary>
    /// True for a state entry PyTorch fills in when an old file lacks it (BatchNorm's
    /// num_batches_tracked, added in PyTorch 0.4.1): it is set to zero instead of reported missing.
    /// </summary>
    protected virtual bool MayBeAbsentFromStateDict(string localName) => false;

    private static Dictionary<string, Tensor> Normalise(IEnumerable<KeyValuePair<string, Tensor>> entries, string? stripPrefix, string? selectPrefix)
    {
        var source = new Dictionary<string, Tensor>();
        var originals = new Dictionary<string, string>();
        foreach (var (original, tensor) in entries)
        {
            var key = original;
            if (!string.IsNullOrEmpty(selectPrefix))
            {
                if (!key.StartsWith(selectPrefix, StringComparison.Ordinal)) continue;
                key = key[selectPrefix.Length..];
            }
            if (!string.IsNullOrEmpty(stripPrefix) && key.StartsWith(stripPrefix, StringComparison.Ordinal)) key = key[stripPrefix.Length..];
            if (originals.TryGetValue(key, out var first))
                throw new ArgumentException($"state dict keys '{first}' and '{original}' both become '{key}'");
            originals[key] = original;
            source[key] = tensor;
        }
        return source;
    }

    /// <summary>Every state entry with the module that registered it, in state-dict order.</summary>
    private List<(string Key, Module Owner, string LocalName, Tensor Tensor)> OwnedState(string prefix = "")
    {
        var state = new List<(string, Module, string, Tensor)>();
        foreach (var (name, tensor) in parameters)
            if (tensor is not null) state.Add((Join(prefix, name), this, name, tensor));
        foreach (var (name, tensor) in buffers)
            if (tensor is not null) state.Add((Join(prefix, name), this, name, tensor));
        foreach (var (name, child) in children) state.AddRange(child.OwnedState(Join(prefix, name)));
        return state;
    }
}
