using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Tests.Models;
using Xunit.Abstractions;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// One whole iMAS step against the official train_semi.py train(), run for one iteration on a tiny
/// network by tools/make_official_imas_fixtures.py (Fixtures/models/imas_official_step.*): the same
/// weights (student, and teacher with the student's parameters and its own batch-norm statistics), the
/// same labelled, weak and strong images, the published iMAS settings except that CutMix always fires
/// and its box side is fixed (the script's header says why). The scores, the supervised and
/// unsupervised losses, and the student's batch-norm statistics after the step (which include the weak
/// images, as the official forward does) agree to 1e-5 relative.
/// </summary>
public class ImasOfficialStepTests(ITestOutputHelper log)
{
    private static readonly TensorBlob Blob = new("imas_official_step");

    private static SegmentationModel Model(string prefix)
    {
        var model = ModelBuilder.Build(ModelFixtures.FromSpec(Blob.Meta.GetProperty("config"), dropout: 0.0));
        Blob.CopyInto(model, prefix);
        return model;
    }

    private static ImasOptions Options() => new ImasOptions
    {
        Threshold = Blob.Meta.GetProperty("threshold").GetDouble(),
        LossWeight = Blob.Meta.GetProperty("loss_weight").GetDouble(),
        UseCutmixRange = new[] { Blob.Meta.GetProperty("side").GetDouble(), Blob.Meta.GetProperty("side").GetDouble() },
        FlagCmixTriggerByHard = false,
        UseCutmixTriggerProb = 1.0,
    };

    private static void Close(double official, double ours, string what) =>
        Assert.True(Math.Abs(official - ours) <= 1e-5 * Math.Abs(official), $"{what}: official {official}, ours {ours}");

    [Fact]
    public void OneStepMatchesTheOfficialTrainStep()
    {
        using var models = new TrainingModels(Model("student/"), Model("teacher/"));
        using var method = new ImasMethod(new SupervisedCriterion(new SupervisedCriterionOptions()), Options(),
                                          (ulong)Blob.Meta.GetProperty("seed").GetInt64());
        using var scope = Torch.NewDisposeScope();
        var labels = Blob.Get("label_l");
        var input = new StepInput(Blob.Get("image_l"), labels, Blob.Get("weak"), Blob.Get("strong"),
                                  Epoch: 0, Epochs: 1, Iteration: 0, StepsPerEpoch: 1);
        models.Student.Train();
        var losses = method.Step(input, models).ReadTerms();

        var hardness = Blob.Meta.GetProperty("hardness").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        log.WriteLine($"sup {losses["sup"]:F7} (official {Blob.Meta.GetProperty("sup_loss").GetDouble():F7}), " +
                      $"unsup {losses["unsup"]:F7} (official {Blob.Meta.GetProperty("unsup_loss").GetDouble():F7}), " +
                      $"score {losses["score"]:F7} (official {hardness.Average():F7})");
        Assert.True(Blob.Meta.GetProperty("unsup_loss").GetDouble() > 0.01, "the fixture's step must have confident pseudo-labels");
        Close(Blob.Meta.GetProperty("sup_loss").GetDouble(), losses["sup"], "supervised loss");
        Close(Blob.Meta.GetProperty("unsup_loss").GetDouble(), losses["unsup"], "unsupervised loss");
        Close(hardness.Average(), losses["score"], "mean score");

        // Batch norm saw labelled + weak + cut-mixed + strong images in one forward.
        var state = models.Student.StateDict().ToDictionary(e => e.Key, e => e.Value);
        var compared = 0;
        foreach (var name in Blob.Names.Where(n => n.StartsWith("after/", StringComparison.Ordinal)))
        {
            ImasOfficialTests.CloseRelative(Blob.Get(name), state[name["after/".Length..]], name);
            compared++;
        }
        Assert.True(compared > 10, $"only {compared} batch-norm buffers compared");
    }

    [Fact]
    public void WithoutStrongViewOrCutMixTheLossIsOnACopyOfTheWeakView()
    {
        using var models = new TrainingModels(Model("student/"), Model("teacher/"));
        var options = Options() with { StrongAug = false, UseCutmix = false };
        using var method = new ImasMethod(new SupervisedCriterion(new SupervisedCriterionOptions()), options, 7);
        using var scope = Torch.NewDisposeScope();
        var input = new StepInput(Blob.Get("image_l"), Blob.Get("label_l"), Blob.Get("weak"), null,
                                  Epoch: 0, Epochs: 1, Iteration: 0, StepsPerEpoch: 1);
        models.Student.Train();
        var losses = method.Step(input, models).ReadTerms();
        var official = Blob.Meta.GetProperty("no_strong_no_cutmix");
        Assert.True(official.GetProperty("unsup_loss").GetDouble() > 0.01);
        Close(official.GetProperty("sup_loss").GetDouble(), losses["sup"], "supervised loss");
        Close(official.GetProperty("unsup_loss").GetDouble(), losses["unsup"], "unsupervised loss");
    }

    [Fact]
    public void BeforeSupOnlyEpochTheStepIsSupervisedOnly()
    {
        // train_semi.py:323-337: epoch < sup_only_epoch forwards the labelled images alone.
        using var models = new TrainingModels(Model("student/"), Model("teacher/"));
        var options = Options() with { Ema = EmaOptions.Imas with { SupOnlyEpoch = 1 } };
        using var method = new ImasMethod(new SupervisedCriterion(new SupervisedCriterionOptions()), options, 7);
        using var scope = Torch.NewDisposeScope();
        var input = new StepInput(Blob.Get("image_l"), Blob.Get("label_l"), Blob.Get("weak"), Blob.Get("strong"),
                                  Epoch: 0, Epochs: 2, Iteration: 0, StepsPerEpoch: 1);
        models.Student.Train();
        var losses = method.Step(input, models).ReadTerms();
        Assert.Equal(0.0, losses["unsup"]);
        Assert.Equal(losses["sup"], losses["total"]);
        using var reference = Model("student/");
        reference.Train();
        var expected = F.CrossEntropy(Upsample.ToLabels(reference.Forward(Blob.Get("image_l")).Prediction, 34, 34), Blob.Get("label_l"),
                                      ignoreIndex: PixelLabels.IgnoreIndex).Item();
        Assert.Equal(expected, losses["sup"], 6);
    }

    [Fact]
    public void ScoresMatchTheOfficialStepsScores()
    {
        using var student = Model("student/");
        using var teacher = Model("teacher/");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        student.Eval();
        teacher.Eval();
        var weak = Blob.Get("weak");
        var (height, width) = (weak.Size(2), weak.Size(3));
        using var s = student.Forward(weak);
        using var t = teacher.Forward(weak);
        var scores = ImasHardness.Score(Upsample.ToLabels(s.Prediction, height, width), Upsample.ToLabels(t.Prediction, height, width),
                                        Blob.Meta.GetProperty("threshold").GetDouble());
        ImasOfficialTests.CloseRelative(Blob.Get("scores"), scores, "scores");
    }
}
