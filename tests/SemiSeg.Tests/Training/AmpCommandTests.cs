using System.Reflection;
using SemiSeg.Cli.Commands;
using SemiSeg.Models;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>`--amp` of eval, predict and pseudo-labels on a tiny finished SupOnly run (trained in float32).</summary>
public class AmpCommandTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;
    private readonly Lazy<string> checkpoint;

    public AmpCommandTests(TinyFashionRun tiny)
    {
        this.tiny = tiny;
        checkpoint = new(() =>
        {
            var run = tiny.NewRunDirectory();
            new Trainer(ExperimentConfig.Load(tiny.WriteConfig("suponly")), run).Run();
            return Path.Combine(run, Checkpoint.Last);
        });
    }

    /// <summary>Runs the semiseg entry point in-process, as `semiseg ARGS` would.</summary>
    private static int Cli(params string[] args) => (int)Assembly.Load("SemiSeg.Cli").EntryPoint!.Invoke(null, new object[] { args })!;

    [Fact]
    public void AmpBf16LoadsTheModelInBf16AndTheCommandsRun()
    {
        var config = CheckpointConfig.Load(null, checkpoint.Value, CheckpointConfig.AmpOverride("bf16"));
        Assert.Equal(AmpMode.BFloat16, config.Trainer.Amp);
        using (var models = CheckpointConfig.LoadModels(config, checkpoint.Value, "auto", out var model))
            Assert.Equal(AmpMode.BFloat16, model.Amp);
        var stored = CheckpointConfig.Load(null, checkpoint.Value, CheckpointConfig.AmpOverride(null));
        Assert.Equal(AmpMode.Off, stored.Trainer.Amp); // without --amp: the checkpoint's trainer.amp

        Assert.Equal(0, Cli("eval", "--checkpoint", checkpoint.Value, "--amp", "bf16", "--json"));
        Assert.Equal(0, Cli("pseudo-labels", "--checkpoint", checkpoint.Value, "--amp", "bf16", "--json"));
        var output = Path.Combine(tiny.Root, $"predict-{Guid.NewGuid():N}");
        var image = Directory.GetFiles(Path.Combine(tiny.DataRoot, "images"), "val_*.png").Order().First();
        Assert.Equal(0, Cli("predict", "--checkpoint", checkpoint.Value, "--input", image, "--output", output, "--amp", "bf16"));
        Assert.NotEmpty(Directory.GetFiles(output, "*.png"));
    }

    [Fact]
    public void AmpFp16OnTheCpuIsOneErrorNamingTrainerAmp()
    {
        var error = Assert.ThrowsAny<SemiSeg.ConfigException>(() => CheckpointConfig.Load(null, checkpoint.Value, CheckpointConfig.AmpOverride("fp16")));
        Assert.Contains("trainer.amp", error.Message);
        Assert.Equal(1, Cli("eval", "--checkpoint", checkpoint.Value, "--amp", "fp16"));
        Assert.Equal(1, Cli("eval", "--checkpoint", checkpoint.Value, "--amp", "fp8"));
    }
}
