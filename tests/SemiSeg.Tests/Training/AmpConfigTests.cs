using SemiSeg.Models;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>trainer.amp: off by default, bf16 sets the models' forward precision, fp16 on the CPU and a bad value are one error naming the key.</summary>
public class AmpConfigTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public AmpConfigTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void OffIsTheDefault()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("suponly"));
        Assert.Equal(AmpMode.Off, config.Trainer.Amp);
    }

    [Fact]
    public void Bf16ReachesTheStudentAndTheTeacher()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("mt"), new[] { "trainer.amp=bf16" });
        Assert.Equal(AmpMode.BFloat16, config.Trainer.Amp);
        Assert.Contains("amp: bf16", config.ResolvedYaml);
        using var models = ModelFactory.Build(config, withTeacher: true, SilentObserver.Instance);
        Assert.Equal(AmpMode.BFloat16, models.Student.Amp);
        Assert.Equal(AmpMode.BFloat16, models.Teacher!.Amp);
    }

    [Theory]
    [InlineData("trainer.amp=fp16", "fp16 needs a CUDA device")]
    [InlineData("trainer.amp=fp8", "is not one of: off, bf16, fp16")]
    public void FP16OnTheCpuAndAnUnknownValueAreRefusedNamingTheKey(string assignment, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => ExperimentConfig.Load(tiny.WriteConfig("suponly"), new[] { assignment }));
        Assert.Contains("trainer.amp", error.Message);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message.TrimEnd());
    }

    [Fact]
    public void Bf16WarnsOnlyOnACpuWithoutBf16Instructions()
    {
        Assert.Null(AmpMode.Off.SlowOnCpuWarning(Device.CPU));
        Assert.Null(AmpMode.BFloat16.SlowOnCpuWarning(Device.CUDA()));
        var flags = File.ReadAllText("/proc/cpuinfo");
        var fast = flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
        var warning = AmpMode.BFloat16.SlowOnCpuWarning(Device.CPU);
        Assert.Equal(fast, warning is null);
        if (warning is not null) Assert.Contains("trainer.amp", warning);
    }
}
