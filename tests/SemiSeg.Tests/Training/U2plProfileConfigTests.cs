using SemiSeg.Methods;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>trainer.profile and its switches as a config reads them; settings without effect are refused.</summary>
public class U2plProfileConfigTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public U2plProfileConfigTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void TheOfficialProfileSetsEveryOfficialSwitchAndEachCanBeSetApart()
    {
        var official = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.profile=official" });
        Assert.True(official.Profile.IsOfficial);
        Assert.Equal(1, official.Profile.WorldSize);
        Assert.True(official.Profile.SameSeedOnEveryReplica);
        var c = official.Contrastive!;
        Assert.True(c.OfficialOneHot);
        Assert.True(c.OfficialClassOrder);
        Assert.True(c.WeightByWorldSize);
        Assert.Equal(NegativeRule.Official, c.NegativeRule);

        var mixed = ExperimentConfig.Load(tiny.WriteConfig("u2pl"),
            new[] { "trainer.profile=official", "trainer.contrastive.onehot=correct", "trainer.contrastive.class_order=by_class" });
        Assert.False(mixed.Contrastive!.OfficialOneHot);
        Assert.False(mixed.Contrastive.OfficialClassOrder);
        Assert.True(mixed.Contrastive.WeightByWorldSize);

        var paper = ExperimentConfig.Load(tiny.WriteConfig("u2pl"));
        Assert.Equal("paper", paper.Profile.Name);
        Assert.False(paper.Contrastive!.OfficialOneHot || paper.Contrastive.OfficialClassOrder || paper.Contrastive.WeightByWorldSize);
        Assert.Equal(NegativeRule.Paper, paper.Contrastive.NegativeRule);
    }

    [Theory]
    [InlineData("u2pl", "trainer.profile=published", "trainer.profile")]
    [InlineData("u2pl", "trainer.world_size=0", "trainer.world_size")]
    [InlineData("u2pl", "trainer.contrastive.onehot=buggy", "trainer.contrastive.onehot")]
    [InlineData("u2pl", "trainer.contrastive.class_order=loop", "trainer.contrastive.class_order")]
    [InlineData("u2pl", "trainer.world_size=2,net.sync_bn=False", "net.sync_bn")]
    [InlineData("suponly", "trainer.profile=official", "trainer.profile")]
    [InlineData("cutmix", "trainer.world_size=2", "trainer.world_size")]
    [InlineData("mt", "trainer.unsupervised.apply_aug=cutmix", "trainer.unsupervised.apply_aug")]
    [InlineData("mt", "trainer.unsupervised.aug_prob=0.5", "trainer.unsupervised.aug_prob")]
    [InlineData("cutmix", "trainer.unsupervised.apply_aug=none", "trainer.unsupervised.apply_aug")]
    [InlineData("cutmix", "trainer.unsupervised.drop_percent=80", "trainer.unsupervised.drop_percent")]
    [InlineData("suponly", "trainer.unsupervised.loss_weight=2", "trainer.unsupervised.loss_weight")]
    [InlineData("mt", "trainer.contrastive.temperature=0.5", "trainer.contrastive")]
    public void ASettingTheMethodCannotHonourIsRefusedByName(string method, string assignment, string named)
    {
        var error = Record.Exception(() => ExperimentConfig.Load(tiny.WriteConfig(method), assignment.Split(',')));
        Assert.NotNull(error);
        Assert.Contains(named, error!.Message);
    }

    [Fact]
    public void SimulatedReplicasLoadWorldSizeTimesTheBatch()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.profile=official", "trainer.world_size=2", "net.sync_bn=True" });
        Assert.Equal(2, config.Profile.WorldSize);
        var data = DataSources.Open(config.Data, unlabeled: true);
        var stream = data.TrainingStream(config.Data, config.Seed, strongUnlabeled: false, config.Profile.WorldSize);
        var (labeled, unlabeled) = stream.Epoch(0).First();
        Assert.Equal(2 * config.Data.BatchSize, labeled.Size);
        Assert.Equal(2 * config.Data.BatchSize, unlabeled!.Size);
    }


    [Fact]
    public void TheOfficialConfigsReproduceThePublishedRuns()
    {
        var root = Path.Combine(RepositoryPaths.Root, "configs");
        foreach (var (dataset, gpus) in new[] { ("pascal", 4), ("cityscapes", 8) })
            foreach (var path in Directory.GetFiles(Path.Combine(root, dataset), "u2pl.yaml", SearchOption.AllDirectories))
            {
                var config = ExperimentConfig.Load(path);
                Assert.True(config.Profile.IsOfficial, path);
                Assert.Equal(gpus, config.Profile.WorldSize);
                Assert.Equal(0, config.Data.TrainAugmentation.LabelPad);
            }
    }
}
