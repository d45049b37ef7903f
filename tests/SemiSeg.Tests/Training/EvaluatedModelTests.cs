using SemiSeg.Cli.Commands;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 18, item 2: eval and predict use the network whose score the checkpoint carries.</summary>
public class EvaluatedModelTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public EvaluatedModelTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void EvalOfABestCheckpointFromTheWarmStartScoresTheStudentAndReproducesItsBest()
    {
        // Both epochs are warm start: the student is evaluated, while the U2PL teacher (never copied
        // from the student yet) is another network.
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { "trainer.sup_only_epoch=2" });
        var run = tiny.NewRunDirectory();
        var summary = new Trainer(config, run).Run();
        var best = Path.Combine(run, Checkpoint.Best);

        using (var checkpoint = TorchFile.LoadDict(best))
        {
            Assert.Equal("student", checkpoint.GetString(Checkpoint.EvaluatedModel));
            Assert.True(checkpoint.ContainsKey("teacher_state"));
        }
        var experiment = CheckpointConfig.Load(null, best, Array.Empty<string>());
        using var models = CheckpointConfig.LoadModels(experiment, best, "auto", out var model, out var chosen);
        Assert.Equal("student", chosen.Name);
        Assert.Equal("model_state", chosen.Key);
        Assert.Equal(summary.BestEpoch + 1, chosen.Epoch);
        Assert.Equal(summary.BestMeanIoU, chosen.RecordedMeanIoU!.Value, 12);

        var data = DataSources.Open(experiment.Data, unlabeled: false);
        var validation = Validation.Run(model, data.ValidationLoader(experiment.Data), experiment.Data, experiment.Net.NumClasses, experiment.Device);
        Assert.Equal(summary.BestMeanIoU, validation.MeanIoU, 9);

        // The commands run end to end on it (a Spectre markup or option error would exit with 1).
        Assert.Equal(0, SemiSegCommand.Create().Parse(new[] { "eval", "--checkpoint", best, "--threads", "1" }).Invoke());
        Assert.Equal(0, SemiSegCommand.Create().Parse(new[] { "eval", "--checkpoint", best, "--json" }).Invoke());
        var image = Directory.EnumerateFiles(Path.Combine(tiny.DataRoot, "images"), "val_*.png").First();
        var output = Path.Combine(run, "predictions");
        Assert.Equal(0, SemiSegCommand.Create().Parse(new[] { "predict", "--checkpoint", best, "--input", image, "--output", output, "--flip", "--scales", "1", "1.5" }).Invoke());
        Assert.Equal(3, Directory.GetFiles(output, "*.png").Length);
    }

    [Fact]
    public void WithoutARecordTheTeacherIsChosenAsTheOfficialEvalDoes()
    {
        using var checkpoint = new TorchDict();
        checkpoint.Set("epoch", 3L);
        checkpoint.Set("model_state", new TorchDict());
        checkpoint.Set("teacher_state", new TorchDict());
        var chosen = CheckpointConfig.Select(checkpoint, "official.pth", "auto");
        Assert.Equal("teacher", chosen.Name);
        Assert.Null(chosen.RecordedMeanIoU);
        Assert.Null(chosen.StepsIntoEpoch);
        Assert.Equal("after epoch 3", chosen.Describe());
        Assert.Equal("student", CheckpointConfig.Select(checkpoint, "official.pth", "student").Name);
    }

    [Fact]
    public void PseudoLabelsKeepTheTeacherWhateverWasEvaluated()
    {
        using var checkpoint = new TorchDict();
        checkpoint.Set(Checkpoint.EvaluatedModel, "student");
        checkpoint.Set("model_state", new TorchDict());
        checkpoint.Set("teacher_state", new TorchDict());
        Assert.Equal("student", CheckpointConfig.Select(checkpoint, "ckpt.pth", "auto").Name);
        Assert.Equal("teacher", CheckpointConfig.Select(checkpoint, "ckpt.pth", CheckpointConfig.TeacherIfPresent).Name);
    }
}
