using System.Text.Json;
using SemiSeg.Torch.nn;

namespace SemiSeg.Tests.Models;

/// <summary>
/// Reads the tensors tools/make_model_fixtures.py writes: NAME.bin holds little-endian arrays back to
/// back, NAME.json lists each one's name, dtype, shape and byte offset (plus free-form metadata).
/// </summary>
internal sealed class TensorBlob
{
    private readonly byte[] data;
    private readonly Dictionary<string, (string Dtype, long[] Shape, long Offset)> entries = new();

    public JsonElement Meta { get; }

    public TensorBlob(string stem)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", stem);
        data = File.ReadAllBytes(path + ".bin");
        using var json = JsonDocument.Parse(File.ReadAllText(path + ".json"));
        Meta = json.RootElement.Clone();
        foreach (var t in Meta.GetProperty("tensors").EnumerateArray())
            entries[t.GetProperty("name").GetString()!] = (t.GetProperty("dtype").GetString()!,
                t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(), t.GetProperty("offset").GetInt64());
    }

    public IEnumerable<string> Names => entries.Keys;

    /// <summary>A new tensor with the stored values (enrolled in the current dispose scope).</summary>
    public Tensor Get(string name)
    {
        if (!entries.TryGetValue(name, out var e)) throw new KeyNotFoundException($"fixture has no tensor '{name}'");
        var count = (int)e.Shape.Aggregate(1L, (a, b) => a * b);
        return e.Dtype switch
        {
            "float32" => Tensor.From<float>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data.AsSpan((int)e.Offset, count * 4)), e.Shape),
            "int64" => Tensor.From<long>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data.AsSpan((int)e.Offset, count * 8)), e.Shape),
            _ => throw new InvalidDataException($"unsupported dtype {e.Dtype} for '{name}'"),
        };
    }

    /// <summary>Copies every "{prefix}{key}" tensor into the module's state entry of that key; each key must exist on both sides with the same shape.</summary>
    public void CopyInto(Module module, string prefix)
    {
        var state = module.StateDict();
        var stored = Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n[prefix.Length..]).ToHashSet();
        Assert.Equal(stored.Order(), state.Select(s => s.Key).Order());
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        using var noGrad = SemiSeg.Torch.Torch.NoGrad();
        foreach (var (key, target) in state)
        {
            var source = Get(prefix + key);
            Assert.Equal(source.Shape, target.Shape);
            target.CopyInPlace(source);
        }
    }
}
