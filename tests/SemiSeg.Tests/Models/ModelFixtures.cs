using System.Text.Json;
using SemiSeg.Models;

namespace SemiSeg.Tests.Models;

/// <summary>The JSON fixtures of tools/make_model_fixtures.py and the configs their networks were built from.</summary>
internal static class ModelFixtures
{
    public static JsonElement Read(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", file);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.Clone();
    }

    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>The config of a network the script built with Net(**spec): same names, PyTorch side in snake_case.</summary>
    public static NetConfig FromSpec(JsonElement spec, double dropout = 0.1)
    {
        int Int(string key) => spec.GetProperty(key).GetInt32();
        var width = Int("width");
        var depth = Int("depth");
        var expansion = depth >= 50 ? 4 : 1;
        var aux = spec.TryGetProperty("aux", out var a) && a.GetBoolean();
        return new NetConfig
        {
            NumClasses = Int("num_classes"),
            SyncBn = false,
            AuxLoss = aux ? new AuxLossConfig { AuxPlane = 4 * width * expansion, HiddenPlanes = Int("aux_hidden") } : null,
            Encoder = new EncoderConfig
            {
                Type = $"resnet{depth}",
                Width = width,
                DeepStem = spec.GetProperty("deep_stem").GetBoolean(),
                ReplaceStrideWithDilation = spec.GetProperty("dilate").EnumerateArray().Select(e => e.GetBoolean()).ToArray(),
                MultiGrid = spec.GetProperty("multi_grid").GetBoolean(),
                ZeroInitResidual = true,
            },
            Decoder = new DecoderConfig { InnerPlanes = Int("inner"), HeadPlanes = Int("head"), RepPlanes = Int("rep"), Dropout = dropout },
        };
    }
}
