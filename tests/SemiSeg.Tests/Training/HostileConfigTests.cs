using SemiSeg.Config;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 19, items 7 and 11: a config nested too deep is one error, not a stack overflow; --set errors name the --set.</summary>
public class HostileConfigTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public HostileConfigTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Theory]
    [InlineData(100_000)]
    [InlineData(65)]
    public void ADocumentNestedTooDeepIsOneErrorNamingTheFile(int depth)
    {
        var path = Path.Combine(tiny.Root, $"deep-{depth}.yaml");
        File.WriteAllText(path, "method: suponly\nnet: " + new string('[', depth) + new string(']', depth) + "\n");
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains($"deeper than {YamlDepth.Max} levels", error.Message);
    }

    [Fact]
    public void ABadSetValueNamesTheSetNotALineOfTheFile()
    {
        var path = tiny.WriteConfig("suponly");
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(path, new[] { "trainer.epochs=ten" }));
        Assert.Contains("--set trainer.epochs=ten", error.Message);
        Assert.DoesNotContain($"{path}:1", error.Message);
    }

    [Fact]
    public void TheDivergenceFactorIsReadAndDefaultsTo1000()
    {
        var path = tiny.WriteConfig("suponly");
        Assert.Equal(1000, ExperimentConfig.Load(path).Trainer.DivergenceFactor);
        Assert.Equal(50, ExperimentConfig.Load(path, new[] { "trainer.divergence_factor=50" }).Trainer.DivergenceFactor);
    }
}
