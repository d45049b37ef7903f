using System.Collections.Concurrent;
using System.Text.Json;

namespace SemiSeg.Tests.Torch.Support;

/// <summary>
/// Reference tensors written by tools/make_op_fixtures.py with PyTorch: one JSON file per area
/// (Fixtures/ops/&lt;area&gt;.json) mapping a name to {shape, dtype, data}.
/// </summary>
internal sealed class OpFixture
{
    private static readonly ConcurrentDictionary<string, OpFixture> Loaded = new();

    private readonly Dictionary<string, Entry> entries;

    public string Path { get; }

    private sealed record Entry(long[] Shape, ScalarType Dtype, double[] Data);

    private OpFixture(string path)
    {
        Path = path;
        if (!File.Exists(path))
            throw new FileNotFoundException($"fixture file {path} is missing; run /usr/bin/python3 tools/make_op_fixtures.py", path);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        entries = new Dictionary<string, Entry>();
        foreach (var property in document.RootElement.EnumerateObject())
            entries[property.Name] = Parse(property.Name, property.Value);
    }

    /// <summary>The fixture file of one area ("nn", "losses", ...), read once per test run.</summary>
    public static OpFixture Load(string area) =>
        Loaded.GetOrAdd(area, a => new OpFixture(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "ops", a + ".json")));

    /// <summary>The stored tensor, with its stored dtype, created in the current dispose scope.</summary>
    public Tensor Tensor(string name)
    {
        var e = Get(name);
        return e.Dtype switch
        {
            ScalarType.Float32 => SemiSeg.Torch.Tensor.From<float>(e.Data.Select(v => (float)v).ToArray().AsSpan(), e.Shape),
            ScalarType.Float64 => SemiSeg.Torch.Tensor.From<double>(e.Data.AsSpan(), e.Shape),
            ScalarType.Int64 => SemiSeg.Torch.Tensor.From<long>(e.Data.Select(v => (long)v).ToArray().AsSpan(), e.Shape),
            ScalarType.Bool => SemiSeg.Torch.Tensor.From<bool>(e.Data.Select(v => v != 0).ToArray().AsSpan(), e.Shape),
            _ => throw new InvalidOperationException($"{Path}: '{name}' has unsupported dtype {e.Dtype}"),
        };
    }

    public long[] Shape(string name) => Get(name).Shape;
    public ScalarType Dtype(string name) => Get(name).Dtype;
    /// <summary>The stored values widened to double (exact for float32 and for the small integers stored).</summary>
    public double[] Values(string name) => Get(name).Data;

    private Entry Get(string name) =>
        entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"{Path} has no tensor named '{name}'");

    private Entry Parse(string name, JsonElement value)
    {
        var dtype = value.GetProperty("dtype").GetString() switch
        {
            "float32" => ScalarType.Float32,
            "float64" => ScalarType.Float64,
            "int64" => ScalarType.Int64,
            "bool" => ScalarType.Bool,
            var other => throw new InvalidDataException($"{Path}: '{name}' has unknown dtype '{other}'"),
        };
        var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var data = value.GetProperty("data").EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            _ when dtype == ScalarType.Int64 => CheckedInteger(name, v.GetInt64()),
            _ => v.GetDouble(),
        }).ToArray();
        if (data.Length != shape.Aggregate(1L, (a, b) => a * b))
            throw new InvalidDataException($"{Path}: '{name}' has {data.Length} values for shape [{string.Join(", ", shape)}]");
        return new Entry(shape, dtype, data);
    }

    private double CheckedInteger(string name, long v) =>
        Math.Abs(v) <= (1L << 53) ? v : throw new InvalidDataException($"{Path}: '{name}' holds {v}, too large to keep exactly");
}
