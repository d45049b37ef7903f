using SemiSeg.Config;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

public class ExperimentConfigTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public ExperimentConfigTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void ReadsTheOfficialKeysAndAppliesOverrides()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.epochs=7", "trainer.contrastive.temperature=0.2" });
        Assert.Equal(7, config.Trainer.Epochs);
        Assert.Equal(0.2, config.Contrastive!.Temperature);
        Assert.Equal(20, config.Contrastive.HighRank);
        Assert.Equal(80, config.Unsupervised.DropPercent);
        Assert.Equal(11, config.Net.NumClasses);
        Assert.Contains("temperature: 0.2", config.ResolvedYaml);
    }

    [Theory]
    [InlineData("trainer.epoch=3", "trainer.epoch")]                          // misspelt key
    [InlineData("trainer.epochs=ten", "trainer.epochs")]                      // not a number
    [InlineData("trainer.epochs=0", "trainer.epochs")]                        // out of range
    [InlineData("method=fixmatch", "method")]                                 // unknown method
    [InlineData("trainer.unsupervised.drop_percent=120", "drop_percent")]
    [InlineData("trainer.contrastive.high_rank=2", "high_rank")]              // below low_rank
    [InlineData("trainer.contrastive.temperature=0", "temperature")]
    [InlineData("dataset.train.crop.size=[32]", "dataset.train.crop.size")]
    [InlineData("dataset.ignore_label=0", "dataset.ignore_label")]
    [InlineData("trainer.divergence_factor=-1", "trainer.divergence_factor")]
    [InlineData("trainer.unsupervised.apply_aug=mixup", "apply_aug")]
    [InlineData("criterion.type=focal", "criterion.type")]
    [InlineData("dataset.train.rand_rotation=[-10.0, 10.0]", "dataset.train.rand_rotation")]   // the official loader rotates; we do not
    [InlineData("trainer.max_steps_per_epoch=0", "trainer.max_steps_per_epoch")]   // epochs of no step
    [InlineData("dataset.n_sup=0", "dataset.n_sup")]
    public void ABadKeyOrValueIsNamedInTheError(string assignment, string named)
    {
        var error = Record.Exception(() => ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { assignment }));
        Assert.NotNull(error);
        Assert.Contains(named, error!.Message);
    }

    // bench/reproduce lifts the presets' epoch cap with `--set trainer.max_steps_per_epoch=null`; it once read as 0 steps.
    [Fact]
    public void ANullStepCapMeansNoCap()
    {
        Assert.Equal(2, ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.max_steps_per_epoch=2" }).Trainer.MaxStepsPerEpoch);
        Assert.Null(ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.max_steps_per_epoch=2", "trainer.max_steps_per_epoch=null" }).Trainer.MaxStepsPerEpoch);
        Assert.Null(ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "dataset.n_sup=~" }).Data.LabeledCount);
    }

    [Fact]
    public void SwitchingTheContrastiveLossOffKeepsItsSectionValid()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.contrastive.enabled=False" });
        Assert.Null(config.Contrastive);
        var error = Record.Exception(() => ExperimentConfig.Load(tiny.WriteConfig("u2pl"),
            new[] { "trainer.contrastive.enabled=False", "trainer.contrastive.num_negative=5" }));
        Assert.Contains("trainer.contrastive.num_negative", error!.Message);
    }

    // The overrides bench/reproduce uses for the ablations of Tables 4, 6, 7 and appendix C.
    [Theory]
    [InlineData("trainer.contrastive.negative_source=reliable")]
    [InlineData("trainer.contrastive.negative_source=all")]
    [InlineData("trainer.contrastive.use_memory_bank=False")]
    [InlineData("trainer.unsupervised.dynamic_partition=False")]
    [InlineData("trainer.contrastive.low_rank=1", "trainer.contrastive.high_rank=11")]
    [InlineData("trainer.contrastive.binary=True")]
    [InlineData("trainer.unsupervised.drop_percent=60", "trainer.contrastive.low_entropy_threshold=40")]
    public void TheAblationOverridesLoad(params string[] overrides)
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), overrides);
        Assert.NotNull(config.Contrastive);
    }

    [Fact]
    public void AMissingSplitFileIsNamed()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("suponly"), new[] { "dataset.train.data_list=nowhere/labeled.txt" });
        var error = Assert.ThrowsAny<Exception>(() => new Trainer(config, tiny.NewRunDirectory()).Run());
        Assert.Contains("nowhere", error.Message);
    }
}
