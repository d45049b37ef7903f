using SemiSeg.Torch.nn;
using SemiSeg.Models;

namespace SemiSeg.Tests.Models;

/// <summary>
/// Our networks have PyTorch's parameter counts and state-dict keys (names, order, shapes), so official
/// U2PL checkpoints and torchvision / U2PL ImageNet weights map key for key. Expected values come from
/// a PyTorch build of the same modules (tools/make_model_fixtures.py, checked there against the official code).
/// </summary>
public class ParameterNamingTests
{
    private static readonly System.Text.Json.JsonElement Counts = ModelFixtures.Read("param_counts.json").GetProperty("counts");

    private static long Expected(string name) => Counts.GetProperty(name).GetInt64();

    private static long CountParameters(Module module) => module.Parameters().Sum(p => p.NumEl);

    [Theory]
    [InlineData(18)]
    [InlineData(34)]
    [InlineData(50)]
    [InlineData(101)]
    public void EncoderParameterCountsMatchPyTorch(int depth)
    {
        using (var deep = new ResNet(new ResNetOptions { Depth = depth, DeepStem = true }))
            Assert.Equal(Expected($"resnet{depth}"), CountParameters(deep));
        using var torchvision = new ResNet(new ResNetOptions { Depth = depth, DeepStem = false });
        Assert.Equal(Expected($"resnet{depth}_torchvision_stem"), CountParameters(torchvision));
    }

    [Fact]
    public void TorchvisionStemResNet50MatchesTorchvisionWithoutItsClassifier()
    {
        // torchvision.models.resnet50 has 25,557,032 parameters, 2,049,000 of them in the ImageNet fc layer we do not build.
        Assert.Equal(25_557_032 - 2_049_000, Expected("resnet50_torchvision_stem"));
        Assert.Equal(44_549_160 - 2_049_000, Expected("resnet101_torchvision_stem"));
    }

    [Fact]
    public void FullNetworkParameterCountsMatchPyTorch()
    {
        using (var voc = ModelBuilder.Build(NetConfig.PascalVoc()))
            Assert.Equal(Expected("u2pl_voc_r101_deeplabv3plus_rep"), CountParameters(voc));
        using (var noRep = ModelBuilder.Build(NetConfig.PascalVoc() with { Decoder = new DecoderConfig { RepHead = false } }))
            Assert.Equal(Expected("u2pl_voc_r101_deeplabv3plus_norep"), CountParameters(noRep));
        using var plain = ModelBuilder.Build(NetConfig.PascalVoc() with { Decoder = new DecoderConfig { Type = "u2pl.models.decoder.dec_deeplabv3" } });
        Assert.Equal(Expected("r101_deeplabv3"), CountParameters(plain));
    }

    [Fact]
    public void CityscapesNetworkStateDictMatchesPyTorchKeyForKey()
    {
        using var model = ModelBuilder.Build(NetConfig.Cityscapes());
        Assert.Equal(Expected("u2pl_cityscapes_r101_deeplabv3plus_rep_aux"), CountParameters(model));
        AssertSameState("u2pl_cityscapes_r101_deeplabv3plus_rep_aux", model);
    }

    [Fact]
    public void TorchvisionStemResNet50StateDictMatchesPyTorchKeyForKey()
    {
        using var encoder = new ResNet(new ResNetOptions { Depth = 50, DeepStem = false });
        AssertSameState("resnet50_torchvision_stem", encoder);
    }

    private static void AssertSameState(string fixture, Module module)
    {
        var expected = ModelFixtures.Read("state_keys.json").GetProperty(fixture).EnumerateArray()
            .Select(e => $"{e[0].GetString()} [{string.Join(", ", ModelFixtures.Longs(e[1]))}]").ToArray();
        var actual = module.StateDict().Select(e => $"{e.Key} [{string.Join(", ", e.Value.Shape)}]").ToArray();
        Assert.Equal(expected, actual);
    }
}
