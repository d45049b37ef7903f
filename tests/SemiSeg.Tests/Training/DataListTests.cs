using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 18, item 1: the unlabelled list is given or derived the official way, never guessed.</summary>
public class DataListTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public DataListTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Theory]
    [InlineData("u2pl")]
    [InlineData("mt")]
    [InlineData("cutmix")]
    [InlineData("imas")]
    public void ASemiSupervisedMethodWithALabelledListNotNamedLabeledTxtNeedsTheUnlabelledList(string method)
    {
        var list = Path.Combine(tiny.DataRoot, "splits", "5", "labelled_5.txt");
        var error = Assert.Throws<SemiSeg.ConfigException>(() =>
            ExperimentConfig.Load(tiny.WriteConfig(method), new[] { $"dataset.train.data_list={list}" }));
        Assert.Equal("dataset.train.unlabeled_list", error.Key);
        Assert.Contains("labelled_5.txt", error.Message);
    }

    [Fact]
    public void SupOnlyNeedsNoUnlabelledList()
    {
        var list = Path.Combine(tiny.DataRoot, "splits", "5", "labelled_5.txt");
        var config = ExperimentConfig.Load(tiny.WriteConfig("suponly"), new[] { $"dataset.train.data_list={list}" });
        Assert.Null(config.Data.UnlabeledList);
    }

    [Fact]
    public void TheOfficialLayoutDerivesUnlabeledTxtAndAnExplicitListWins()
    {
        var derived = ExperimentConfig.Load(tiny.WriteConfig("u2pl"));
        Assert.Equal(Path.Combine(tiny.DataRoot, "splits", "5", "unlabeled.txt"), derived.Data.UnlabeledList);

        var own = Path.Combine(tiny.DataRoot, "splits", "5", "mine.txt");
        var list = Path.Combine(tiny.DataRoot, "splits", "5", "labelled_5.txt");
        var given = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { $"dataset.train.data_list={list}", $"dataset.train.unlabeled_list={own}" });
        Assert.Equal(own, given.Data.UnlabeledList);
    }

    [Fact]
    public void TheLabelledListCannotBeTheUnlabelledList()
    {
        var list = Path.Combine(tiny.DataRoot, "splits", "5", "labeled.txt");
        var error = Assert.Throws<SemiSeg.ConfigException>(() =>
            ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { $"dataset.train.unlabeled_list={list}" }));
        Assert.Equal("dataset.train.unlabeled_list", error.Key);
    }

    [Fact]
    public void NSupMustAgreeWithTheLabelledList()
    {
        var stale = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "dataset.n_sup=6" });
        var error = Assert.Throws<SemiSeg.ConfigException>(() => DataSources.Open(stale.Data, unlabeled: true));
        Assert.Equal("dataset.n_sup", error.Key);
        Assert.Contains("has 5 images", error.Message);
        var agreeing = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "dataset.n_sup=5" });
        Assert.Equal(5, DataSources.Open(agreeing.Data, unlabeled: true).Labeled.Count);
    }

    [Fact]
    public void AMissingDefaultUnlabelledListNamesTheKey()
    {
        var folder = Path.Combine(tiny.Root, $"alone-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(tiny.DataRoot, "splits", "5", "labeled.txt"), Path.Combine(folder, "labeled.txt"));
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { $"dataset.train.data_list={folder}/labeled.txt" });
        var error = Assert.Throws<SemiSeg.ConfigException>(() => DataSources.Open(config.Data, unlabeled: true));
        Assert.Equal("dataset.train.unlabeled_list", error.Key);
        Assert.Contains(Path.Combine(folder, "unlabeled.txt"), error.Message);
    }
}
