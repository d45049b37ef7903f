using SemiSeg.Methods.Ael;
using SemiSeg.Training;

namespace SemiSeg.Tests.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The AEL banks round-trip through their state (what a checkpoint stores), the random CutMix box is
/// init_cutmix's (half the image), and a config with a with_AEL key is refused with the key named.
/// </summary>
public class AelBankStateTests
{
    [Fact]
    public void BanksRestoreExactly()
    {
        using var scope = Torch.NewDisposeScope();
        using var generator = new Generator(5);
        using var confidence = new AelConfidenceBank(4, 0.99, generator);
        confidence.Update(Tensor.From(new[] { 0.1f, 0.9f, 0f, 0.5f }, 4));
        using var restored = new AelConfidenceBank(4, 0.99, generator);
        restored.SetState(confidence.GetState());
        TensorAssert.Close(confidence.GetState()["class_criterion"], restored.GetState()["class_criterion"], 0);

        using var cutmix = new AdaptiveCutMixBank(3, 5);
        cutmix.Update(Torch.Randn(new long[] { 2, 3, 4, 4 }, generator), 1, 3, 0.1);
        using var cutmixRestored = new AdaptiveCutMixBank(3, 5);
        cutmixRestored.SetState(cutmix.GetState());
        TensorAssert.Equal(cutmix.Snapshot(), cutmixRestored.Snapshot());
        Assert.True(cutmix.Snapshot().Sum().Item() > 0);
        using var wrong = new AdaptiveCutMixBank(3, 6);
        Assert.Throws<ArgumentException>(() => wrong.SetState(cutmix.GetState()));
    }

    [Fact]
    public void RandomBoxCoversHalfTheImage()
    {
        using var generator = new Generator(9);
        for (var k = 0; k < 20; k++)
        {
            var box = AdaptiveCutMixMask.RandomBox(64, generator);
            Assert.InRange(box.Area, 64 * 64 / 2 - 2 * 64, 64 * 64 / 2 + 2 * 64);
            Assert.True(box.Y0 >= 0 && box.X0 >= 0 && box.Y1 <= 64 && box.X1 <= 64, $"{box}");
        }
    }

    [Theory]
    [InlineData("dataset.acp", "  acp:\n    prob: 0.5", "", "")]
    [InlineData("dataset.train.acm", "", "    acm:\n      number: 3", "")]
    [InlineData("criterion.cons", "", "", "criterion:\n  cons:\n    sample: True\n    gamma: 2")]
    [InlineData("criterion.contra_weight", "", "", "criterion:\n  contra_weight: 0.1")]
    public void WithAelKeysAreRefusedByName(string key, string dataset, string train, string extra)
    {
        var yaml = $@"
method: u2pl
dataset:
  type: fashion_scenes
{dataset}
  train:
    data_root: data
    data_list: data/labeled.txt
{train}
  val:
    data_list: data/val.txt
trainer:
  epochs: 4
net:
  num_classes: 3
  encoder:
    type: resnet18
  decoder:
    type: dec_deeplabv3_plus
{extra}
";
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(yaml, Path.GetTempPath()));
        Assert.Equal(key, e.Key);
        Assert.Contains("with_AEL", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
