using SemiSeg.Models;

namespace SemiSeg.Tests.Models;

/// <summary>The net: section of U2PL's config files reads into NetConfig; bad values fail with the key that is at fault.</summary>
public class NetConfigTests
{
    // The layout of the official experiments/cityscapes/744/ours/config.yaml, net: section (other sections abridged).
    private const string CityscapesYaml = """
        dataset:
          train:
            crop:
              size: [769, 769]
        net: # Required.
          num_classes: 19
          sync_bn: True
          ema_decay: 0.99
          aux_loss:
            aux_plane: 1024
            loss_weight: 0.4
          encoder:
            type: u2pl.models.resnet.resnet101
            kwargs:
              multi_grid: True
              zero_init_residual: True
              fpn: True
              replace_stride_with_dilation: [False, True, True]  #layer0...1 is fixed, layer2...4
          decoder:
            type: u2pl.models.decoder.dec_deeplabv3_plus
            kwargs:
              inner_planes: 256
              dilations: [12, 24, 36]
        """;

    [Fact]
    public void ReadsTheOfficialCityscapesNetSection()
    {
        var config = NetConfigYaml.Parse(CityscapesYaml);
        Assert.Equal(19, config.NumClasses);
        Assert.True(config.SyncBn);
        Assert.Equal(0.99, config.EmaDecay);
        Assert.Equal(new AuxLossConfig { AuxPlane = 1024, LossWeight = 0.4 }, config.AuxLoss);
        Assert.Equal(101, config.Encoder.Depth);
        Assert.True(config.Encoder.MultiGrid && config.Encoder.ZeroInitResidual && config.Encoder.Fpn && config.Encoder.DeepStem);
        Assert.Equal(new[] { false, true, true }, config.Encoder.ReplaceStrideWithDilation);
        Assert.Equal(DecoderKind.DeepLabV3Plus, config.Decoder.Kind);
        Assert.Equal(new[] { 12, 24, 36 }, config.Decoder.Dilations);
        Assert.True(config.HasRepresentation);
        Assert.Equal(ModelSummary.Describe(NetConfig.Cityscapes()), ModelSummary.Describe(config));
    }

    [Theory]
    [InlineData("multi_grid: True", "multigrid: True", "net.encoder.kwargs.multigrid", "unknown key")]
    [InlineData("type: u2pl.models.resnet.resnet101", "type: u2pl.models.resnet.resnet152", "net.encoder.type", "resnet152")]
    [InlineData("dilations: [12, 24, 36]", "dilations: [6, 12]", "net.decoder.kwargs.dilations", "3 positive rates")]
    [InlineData("aux_plane: 1024", "aux_plane: 2048", "net.aux_loss.aux_plane", "1024 channels")]
    [InlineData("num_classes: 19", "num_classes: nineteen", "net.num_classes", "'nineteen'")]
    [InlineData("num_classes: 19", "", "net.num_classes", "required")]
    [InlineData("fpn: True", "fpn: maybe", "net.encoder.kwargs.fpn", "'maybe'")]
    [InlineData("fpn: True", "fpn: False", "net.encoder.kwargs.fpn", "dec_deeplabv3_plus")]
    [InlineData("replace_stride_with_dilation: [False, True, True]", "replace_stride_with_dilation: [True, True]",
                "net.encoder.kwargs.replace_stride_with_dilation", "3 booleans")]
    [InlineData("replace_stride_with_dilation: [False, True, True]", "replace_stride_with_dilation: [False, yes please, True]",
                "net.encoder.kwargs.replace_stride_with_dilation[1]", "'yes please'")]
    [InlineData("ema_decay: 0.99", "ema_decay: 1.5", "net.ema_decay", "[0, 1)")]
    public void ABadValueNamesItsKey(string original, string replacement, string key, string detail)
    {
        var yaml = CityscapesYaml.Replace(original, replacement);
        Assert.NotEqual(CityscapesYaml, yaml);
        var error = Assert.Throws<ConfigException>(() => NetConfigYaml.Parse(yaml));
        Assert.Equal(key, error.Key);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void PlainDeepLabV3RefusesARepresentationHead()
    {
        var yaml = CityscapesYaml.Replace("dec_deeplabv3_plus", "dec_deeplabv3").Replace("dilations: [12, 24, 36]", "dilations: [12, 24, 36]\n      rep_head: True");
        var error = Assert.Throws<ConfigException>(() => NetConfigYaml.Parse(yaml));
        Assert.Equal("net.decoder.kwargs.rep_head", error.Key);
        var plain = NetConfigYaml.Parse(yaml.Replace("rep_head: True", "rep_head: False"));
        Assert.Equal(DecoderKind.DeepLabV3, plain.Decoder.Kind);
        Assert.False(plain.HasRepresentation);
    }

    [Fact]
    public void ErrorsFromAFileNameTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"semiseg-netconfig-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, CityscapesYaml.Replace("inner_planes: 256", "inner_planes: -4"));
        try
        {
            var error = Assert.Throws<ConfigException>(() => NetConfigYaml.Load(path));
            Assert.Equal(path, error.Source);
            Assert.StartsWith($"{path}: net.decoder.kwargs.inner_planes: ", error.Message);
            Assert.Contains("-4", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AbsentKeysTakeU2plsPublishedValues()
    {
        var config = NetConfigYaml.Parse("net:\n  num_classes: 21\n  encoder: {}\n  decoder: {}\n");
        Assert.Equal(ModelSummary.Describe(NetConfig.PascalVoc()), ModelSummary.Describe(config));
    }

    [Fact]
    public void CpuPresetBuildsASmallNetwork()
    {
        using var model = ModelBuilder.Build(NetConfig.CpuSmall(numClasses: 6));
        var parameters = model.Parameters().Sum(p => p.NumEl);
        Assert.InRange(parameters, 1_000_000, 6_000_000);
        Assert.Equal(64, model.Decoder.RepresentationChannels);
    }
}
