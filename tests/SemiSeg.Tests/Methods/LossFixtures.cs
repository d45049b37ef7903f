using System.Text.Json;

namespace SemiSeg.Tests.Methods;

/// <summary>
/// Reads Fixtures/loss_fixtures.json, written by tools/make_loss_fixtures.py with PyTorch: inputs
/// and the values the official formulas give for them.
/// </summary>
internal static class LossFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "loss_fixtures.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static JsonElement Case(string name) => Root.GetProperty(name);

    /// <summary>A tensor stored as {shape, dtype, data}; created in the current dispose scope.</summary>
    public static Tensor Tensor(this JsonElement element, string name) => ToTensor(element.GetProperty(name));

    public static Tensor ToTensor(JsonElement stored)
    {
        var shape = stored.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var data = stored.GetProperty("data");
        return stored.GetProperty("dtype").GetString() switch
        {
            "float32" => SemiSeg.Torch.Tensor.From<float>(data.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray().AsSpan(), shape),
            "float64" => SemiSeg.Torch.Tensor.From<double>(data.EnumerateArray().Select(e => e.GetDouble()).ToArray().AsSpan(), shape),
            "int64" => SemiSeg.Torch.Tensor.From<long>(data.EnumerateArray().Select(e => e.GetInt64()).ToArray().AsSpan(), shape),
            "bool" => SemiSeg.Torch.Tensor.From<bool>(data.EnumerateArray().Select(e => e.GetInt64() != 0).ToArray().AsSpan(), shape),
            var other => throw new InvalidDataException($"unknown fixture dtype {other}"),
        };
    }

    public static double Number(this JsonElement element, string name) => element.GetProperty(name).GetDouble();
    public static int Int(this JsonElement element, string name) => element.GetProperty(name).GetInt32();
}
