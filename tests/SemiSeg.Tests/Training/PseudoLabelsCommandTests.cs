using SemiSeg.Cli.Commands;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>`semiseg pseudo-labels` on a tiny finished U2PL run.</summary>
public class PseudoLabelsCommandTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public PseudoLabelsCommandTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Fact]
    public void ScoresTheUnlabelledImagesAsValidationScoresThem()
    {
        var config = ExperimentConfig.Load(tiny.WriteConfig("u2pl"));
        var run = tiny.NewRunDirectory();
        new Trainer(config, run).Run();
        var checkpoint = Path.Combine(run, Checkpoint.Last);

        var (audit, classNames, list, images) = PseudoLabelsCommand.Audit(checkpoint, null, null, "teacher", null, Array.Empty<string>());
        var r = audit.Summarize();
        Assert.Equal(config.Data.UnlabeledList, list);
        Assert.Equal(File.ReadAllLines(list).Count(l => l.Trim().Length > 0), images);
        Assert.Equal(11, classNames.Count);
        Assert.Equal(20, audit.UnreliablePercent);   // alpha_0 = 100 - drop_percent
        Assert.InRange((double)r.Unreliable / (r.Reliable + r.Unreliable), 0.19, 0.21);

        // Every pixel's pseudo-label is the model's prediction, so the overall accuracy is the
        // pixel accuracy validation measures on the same images.
        var same = ExperimentConfig.Load(tiny.WriteConfig("u2pl"), new[] { $"dataset.val.data_list={list}", $"dataset.val.data_root={config.Data.TrainRoot}" });
        using var models = CheckpointConfig.LoadModels(same, checkpoint, "teacher", out var teacher);
        var data = DataSources.Open(same.Data, unlabeled: false);
        var validation = Validation.Run(teacher, data.ValidationLoader(same.Data), same.Data, same.Net.NumClasses, same.Device);
        var accuracy = (double)(r.ReliableCorrect + r.UnreliableCorrect) / (r.Reliable + r.Unreliable);
        Assert.Equal(validation.PixelAccuracy, accuracy, 9);
        Assert.Equal(r.Unreliable, r.UnreliableTrueRank.Sum());
    }
}
