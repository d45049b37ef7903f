using System.Text.Json;
using SemiSeg.Cli.Commands;

namespace SemiSeg.Tests.Models;

/// <summary>`semiseg model --config` prints what the config builds, or one error naming the bad key.</summary>
public class ModelCommandTests
{
    private const string SmallConfig = """
        dataset:
          train:
            crop:
              size: [65, 97]
        net:
          num_classes: 5
          sync_bn: False
          aux_loss:
            aux_plane: 32
            loss_weight: 0.4
            hidden_planes: 8
          encoder:
            type: resnet18
            kwargs:
              width: 8
              fpn: True
              replace_stride_with_dilation: [False, False, True]
          decoder:
            type: u2pl.models.decoder.dec_deeplabv3_plus
            kwargs:
              inner_planes: 8
              head_planes: 8
              rep_planes: 16
              dilations: [6, 12, 18]
        """;

    private static (int Code, string Output, string Errors) Run(string yaml, bool json, string? size = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"semiseg-model-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            var (output, errors) = (new StringWriter(), new StringWriter());
            var code = ModelCommand.Run(path, json, size, output, errors);
            return (code, output.ToString(), errors.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void JsonSummaryHasTheBuiltNetworksCountsAndTheConfiguredCropsShapes()
    {
        var (code, output, errors) = Run(SmallConfig, json: true);
        Assert.True(code == 0, errors);
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal(new long[] { 1, 3, 65, 97 }, ModelFixtures.Longs(summary.GetProperty("input_shape")));
        Assert.Contains("+ DeepLabv3+ (ASPP 6/12/18 x 8", output);
        var parts = summary.GetProperty("parts").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("parameters").GetInt64());
        Assert.Equal(new[] { "encoder", "decoder", "auxor" }, parts.Keys);
        Assert.Equal(parts.Values.Sum(), summary.GetProperty("parameters").GetInt64());
        var outputs = summary.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => ModelFixtures.Longs(o.GetProperty("shape")));
        // Deep stem: 65 -> 33 -> 17 (ceil-mode pool) at stride 4; 97 -> 49 -> 25. Output stride 16: 17 -> 9 -> 5, 25 -> 13 -> 7.
        Assert.Equal(new long[] { 1, 5, 17, 25 }, outputs["prediction"]);
        Assert.Equal(new long[] { 1, 16, 17, 25 }, outputs["representation"]);
        Assert.Equal(new long[] { 1, 5, 5, 7 }, outputs["aux"]);
        Assert.True(summary.GetProperty("forward_macs").GetInt64() > 0);
    }

    [Fact]
    public void TextSummaryNamesTheNetworkAndSizeOverrideApplies()
    {
        var (code, output, _) = Run(SmallConfig, json: false, size: "33");
        Assert.Equal(0, code);
        Assert.Contains("resnet18 (deep stem, width 8, output stride 16", output);
        Assert.Contains("1 x 3 x 33 x 33", output);
        Assert.Contains("GFLOP", output);
    }

    [Fact]
    public void BadConfigPrintsOneErrorWithFileAndKey()
    {
        var (code, output, errors) = Run(SmallConfig.Replace("width: 8", "widht: 8"), json: false);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("net.encoder.kwargs.widht: unknown key", errors);
        Assert.Contains(".yaml: ", errors);
    }
}
