using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// A bare <c>method: imas</c> config gets iMAS's published settings (every official config and VOC
/// log header: net.ema_decay 0.996, trainer.sup_only_epoch 0, strong_aug.num_augs 2), not U2PL's
/// generic defaults; the official <c>strong_aug: {num_augs: N}</c> form is read.
/// </summary>
public class ImasConfigTests
{
    private static string Yaml(string method, string train = "", string trainer = "", string net = "") => $@"
method: {method}
dataset:
  type: fashion_scenes
  train:
    data_root: data
    data_list: data/labeled.txt
{train}
  val:
    data_list: data/val.txt
trainer:
  epochs: 4
{trainer}
net:
  num_classes: 3
{net}
  encoder:
    type: resnet18
  decoder:
    type: dec_deeplabv3_plus
";

    private static ExperimentConfig Parse(string yaml) => ExperimentConfig.Parse(yaml, Path.GetTempPath());

    [Fact]
    public void ABareImasConfigGetsTheOfficialDefaults()
    {
        var config = Parse(Yaml("imas"));
        Assert.Equal(0.996, config.Imas!.Ema.Decay);
        Assert.Equal(0, config.Imas.Ema.SupOnlyEpoch);
        Assert.True(config.Imas.Ema.IncludeBuffers);
        Assert.Equal(0.996, config.Net.EmaDecay);
        Assert.Equal(0, config.Trainer.SupOnlyEpoch);
        Assert.True(config.Imas.StrongAug);
        Assert.Equal(2, config.Data.TrainAugmentation.IntensityOps);
        Assert.Equal(0.95, config.Imas.Threshold);
        Assert.Equal(3.0, config.Imas.LossWeight);
        Assert.Equal(new[] { 0.1, 0.9 }, config.Imas.UseCutmixRange);
    }

    [Fact]
    public void OtherMethodsKeepTheGenericDefaults()
    {
        var config = Parse(Yaml("u2pl"));
        Assert.Equal(0.99, config.Net.EmaDecay);
        Assert.Equal(1, config.Trainer.SupOnlyEpoch);
    }

    [Fact]
    public void ExplicitValuesWin()
    {
        var config = Parse(Yaml("imas", trainer: "  sup_only_epoch: 1", net: "  ema_decay: 0.99"));
        Assert.Equal(0.99, config.Imas!.Ema.Decay);
        Assert.Equal(1, config.Imas.Ema.SupOnlyEpoch);
    }

    [Theory]
    [InlineData("    strong_aug:\n      num_augs: 3", true, 3)]      // the official form
    [InlineData("    strong_aug: True", true, 2)]                     // ours, with the official count
    [InlineData("    strong_aug: True\n    strong_ops: 4", true, 4)]
    [InlineData("    strong_aug: False", false, 2)]
    [InlineData("    strong_aug:\n      num_augs: 2\n    strong_ops: 2", true, 2)]
    public void StrongAugAcceptsTheOfficialAndTheBooleanForm(string train, bool enabled, int ops)
    {
        var config = Parse(Yaml("imas", train));
        Assert.Equal(enabled, config.Imas!.StrongAug);
        Assert.Equal(ops, config.Data.TrainAugmentation.IntensityOps);
    }

    [Theory]
    [InlineData("    strong_aug: 2", "dataset.train.strong_aug")]
    [InlineData("    strong_aug: [2]", "dataset.train.strong_aug")]
    [InlineData("    strong_aug:\n      num_augs: 0", "num_augs")]
    [InlineData("    strong_aug:\n      num_augs: two", "num_augs")]
    [InlineData("    strong_aug:\n      num_aug: 2", "dataset.train.strong_aug.num_aug")]
    [InlineData("    strong_aug:\n      num_augs: 2\n    strong_ops: 3", "dataset.train.strong_ops")]
    public void ABadStrongAugIsOneErrorNamingTheKey(string train, string named)
    {
        var error = Record.Exception(() => Parse(Yaml("imas", train)));
        Assert.NotNull(error);
        Assert.Contains(named, error!.Message);
        Assert.DoesNotContain('\n', error.Message.Trim());
    }

    private static string WithDecoder(string type, string kwargs) => Yaml("imas").Replace(@"
    type: dec_deeplabv3_plus", $@"
    type: {type}
    kwargs:
{kwargs}");

    [Theory]
    [InlineData("imas.models.decoder.dec_deeplabv3_plus", "      inner_planes: 8", 48)]
    [InlineData("u2pl.models.decoder.dec_deeplabv3_plus", "      low_conv_planes: 16\n      rep_head: False", 16)]   // the VOC logs' form
    public void TheImasDecoderIsBuiltFromItsOfficialKeys(string type, string kwargs, int lowConv)
    {
        var config = Parse(WithDecoder(type, kwargs));
        Assert.True(config.Net.Decoder.ImasLayout);
        Assert.False(config.Net.HasRepresentation);
        using var model = SemiSeg.Models.ModelBuilder.Build(config.Net);
        Assert.IsType<SemiSeg.Models.ImasDeepLabV3Plus>(model.Decoder);
        var state = model.StateDict().ToDictionary(e => e.Key, e => e.Value.Shape);
        Assert.Equal(new long[] { lowConv, 64, 1, 1 }, state["decoder.low_conv.0.weight"]);
        Assert.False(state.ContainsKey("decoder.classifier.0.bias"));
        Assert.DoesNotContain(state.Keys, k => k.Contains("representation"));
    }

    [Theory]
    [InlineData("imas.models.decoder.dec_deeplabv3_plus", "      rep_head: True", "rep_head")]
    [InlineData("imas.models.decoder.dec_deeplabv3_plus", "      dropout: 0.1", "dropout")]
    [InlineData("imas.models.decoder.dec_deeplabv3_plus", "      low_conv_planes: 0", "low_conv_planes")]
    [InlineData("u2pl.models.decoder.dec_deeplabv3", "      low_conv_planes: 48", "low_conv_planes")]
    public void ABadImasDecoderKeyIsNamed(string type, string kwargs, string named)
    {
        var error = Record.Exception(() => Parse(WithDecoder(type, kwargs)));
        Assert.NotNull(error);
        Assert.Contains(named, error!.Message);
    }

    [Fact]
    public void StrongAugIsRefusedForAMethodWithoutAStrongView()
    {
        var error = Record.Exception(() => Parse(Yaml("u2pl", "    strong_aug:\n      num_augs: 2")));
        Assert.NotNull(error);
        Assert.Contains("dataset.train.strong_aug", error!.Message);
    }
}
