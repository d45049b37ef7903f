using System.Text.Json;
using SemiSeg.Methods;
using SemiSeg.Models;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// U2PL's official profile against Fixtures/official/u2pl_official_step.json, written by
/// tools/make_official_u2pl_fixtures.py by executing the official label_onehot and the lines of
/// train_semi.py from the student forward to the contrastive loss's scaling in gloo process groups
/// of 1, 2 and 4 processes (Haochen-Wang409/U2PL; the commit is in the fixture).
/// </summary>
public class U2plOfficialProfileTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "official", "u2pl_official_step.json"))).RootElement);

    private static JsonElement Config => Fixture.Value.GetProperty("config");
    private static int NumClasses => Config.Int("num_classes");

    /// <summary>
    /// train_semi.py:514-519 divides lambda_c by dist.get_world_size(): the replicas simulated in one process
    /// times the processes of a data-parallel run (each process one replica); the paper profile keeps lambda_c.
    /// </summary>
    [Theory]
    [InlineData(4, 1, 0.25)]
    [InlineData(1, 4, 0.25)]
    [InlineData(2, 4, 0.125)]
    public void TheOfficialContrastiveWeightCountsEveryReplica(int simulated, int processes, double expected)
    {
        var official = new U2plProfile { Name = U2plProfile.OfficialName, WorldSize = simulated };
        var options = official.ContrastiveDefaults(new ContrastiveOptions());
        Assert.Equal(expected, official.ContrastiveScale(options, processes));
        var paper = new U2plProfile { WorldSize = simulated };
        Assert.Equal(1.0, paper.ContrastiveScale(paper.ContrastiveDefaults(new ContrastiveOptions()), processes));
    }

    [Fact]
    public void FixtureRecordsTheOfficialCommit() =>
        Assert.Equal("ab3d2be313d4d6b2885e7a0213d4fce82a803b79", Fixture.Value.GetProperty("official_commit").GetString());

    [Fact]
    public void OfficialOneHotEqualsTheOfficialLabelOnehot()
    {
        using var scope = Torch.NewDisposeScope();
        var c = Fixture.Value.GetProperty("label_onehot");
        var labels = c.Tensor("labels");
        TensorAssert.Equal(c.Tensor("onehot").Float(), PixelLabels.OfficialOneHot(labels, NumClasses));
        // The official map is not the correct one once a half has more than one image.
        Assert.True(MaxDifference(PixelLabels.OneHot(labels, NumClasses), c.Tensor("onehot").Float()) > 0.5);
    }

    [Fact]
    public void OurGeneratorDrawsWhatTorchRandintDraws()
    {
        using var scope = Torch.NewDisposeScope();
        using var generator = new Generator((ulong)Config.Int("seed"));
        var expected = Fixture.Value.GetProperty("randint_after_seed").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(expected, Torch.Randint(0, 1000, new long[] { expected.Length }, generator).ToArray<long>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void OneProcessComputesWhatTheOfficialReplicasComputed(int worldSize)
    {
        using var scope = Torch.NewDisposeScope();
        var step = Fixture.Value.GetProperty("steps").GetProperty(worldSize.ToString());
        using var method = Method(new U2plProfile { Name = "official", WorldSize = worldSize, SameSeedOnEveryReplica = true }, official: true);
        var (losses, gradPred, gradRep) = Run(method, step);

        Relative(step.Number("sup"), losses["sup"], "supervised loss (mean over replicas)");
        Relative(step.Number("unsup"), losses["unsup"], "unsupervised loss (mean over replicas)");
        Relative(step.Number("contra_mean"), losses["contrastive"], "contrastive loss (mean over replicas, unscaled as logged)");
        Relative(step.Tensor("grad_pred"), gradPred, "effective gradient of the predictions");
        Relative(step.Tensor("grad_rep"), gradRep, "effective gradient of the representations");
        var bank = step.GetProperty("bank").EnumerateArray().ToArray();
        for (var c = 0; c < NumClasses; c++)
        {
            using var snapshot = method.MemoryBank!.Snapshot(c);
            Relative(LossFixtures.ToTensor(bank[c]), snapshot, $"memory bank of class {c}");
        }
    }

    [Fact]
    public void EachOfficialSwitchChangesTheStep()
    {
        using var scope = Torch.NewDisposeScope();
        var step = Fixture.Value.GetProperty("steps").GetProperty("4");
        var profile = new U2plProfile { Name = "official", WorldSize = 4, SameSeedOnEveryReplica = true };
        using var official = Method(profile, official: true);
        var (_, _, reference) = Run(official, step);
        var switches = new (string Key, Func<ContrastiveOptions, ContrastiveOptions> Change)[]
        {
            ("onehot", o => o with { OneHotName = "correct" }),
            ("class_order", o => o with { ClassOrderName = "by_class" }),
            ("negative_rule", o => o with { NegativeRuleName = "paper" }),
            ("weight_by_world_size", o => o with { WeightByWorldSize = false }),
        };
        foreach (var (key, change) in switches)
        {
            using var variant = Method(profile, official: true, change);
            var (_, _, gradRep) = Run(variant, step);
            Assert.True(MaxDifference(reference, gradRep) > 1e-6, $"{key}: switching it away from official did not change the gradient");
        }
        using var whole = Method(profile with { PerReplicaStatistics = false }, official: true);
        var (wholeLosses, _, _) = Run(whole, step);
        Assert.NotEqual(step.Number("unsup"), wholeLosses["unsup"], 5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WithTheSameSeedEveryReplicaMixesAlike(bool sameSeed)
    {
        using var scope = Torch.NewDisposeScope();
        using var generator = new Generator(5);
        var images = Torch.Randn(new long[] { 2, 3, 32, 32 }, generator);
        var labels = Torch.Randint(0, 5, new long[] { 2, 32, 32 }, generator);
        var confidence = Torch.Rand(new long[] { 2, 32, 32 }, generator);
        // Two replicas with the same two images each.
        var pseudo = new PseudoLabels.Result(Torch.Cat(new[] { images, images }), Torch.Cat(new[] { labels, labels }),
                                             Torch.Cat(new[] { confidence, confidence }), false);
        var profile = new U2plProfile { Name = "official", WorldSize = 2, SameSeedOnEveryReplica = sameSeed };
        using var method = new U2plMethod(new SupervisedCriterion(new SupervisedCriterionOptions()),
                                          new UnsupervisedOptions { AugProbability = 1 }, null, new EmaTeacher(new EmaOptions()), 5, 9, profile);
        var mixed = method.Mix(pseudo, ReplicaChunks.Split(2, 4, 4));
        Assert.True(mixed.Mixed);
        var difference = MaxDifference(mixed.Labels.Narrow(0, 0, 2).Float(), mixed.Labels.Narrow(0, 2, 2).Float());
        Assert.True(MaxDifference(mixed.Labels.Float(), pseudo.Labels.Float()) > 0, "nothing was mixed");
        if (sameSeed) Assert.Equal(0, difference);
        else Assert.True(difference > 0, "independent replicas drew the same boxes");
    }

    private const double RelativeTolerance = 1e-5;

    private static void Relative(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= RelativeTolerance * Math.Abs(expected), $"{what}: expected {expected}, got {actual} (relative {RelativeTolerance})");

    // Element-wise 1e-5 relative; elements below 10% of the tensor's largest magnitude (float32 sums
    // that cancel; the contrastive similarities are computed in another order) are held to 1e-5 of 10%
    // of it, 1e-6 of the largest magnitude: a few float32 units in the last place of the largest element,
    // which another libtorch's summation order moves (libtorch 2.6: 2.4e-10 on an element of 1.4e-5).
    private static void Relative(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.To(ScalarType.Float64).ToArray<double>();
        var a = actual.To(ScalarType.Float64).ToArray<double>();
        var floor = e.Length == 0 ? 0 : 1e-1 * e.Max(Math.Abs);
        for (var k = 0; k < e.Length; k++)
            Assert.True(Math.Abs(e[k] - a[k]) <= RelativeTolerance * Math.Max(Math.Abs(e[k]), floor),
                        $"{what}[{k}]: expected {e[k]}, got {a[k]} (relative {RelativeTolerance})");
    }

    private static double MaxDifference(Tensor a, Tensor b)
    {
        using var scope = Torch.NewDisposeScope();
        return (a - b).Abs().Max().Item();
    }

    private static U2plMethod Method(U2plProfile profile, bool official, Func<ContrastiveOptions, ContrastiveOptions>? change = null)
    {
        var contrastiveConfig = Config.GetProperty("trainer").GetProperty("contrastive");
        var options = new ContrastiveOptions
        {
            NegativeHighEntropy = contrastiveConfig.GetProperty("negative_high_entropy").GetBoolean(),
            LowRank = contrastiveConfig.Int("low_rank"),
            HighRank = contrastiveConfig.Int("high_rank"),
            CurrentClassThreshold = contrastiveConfig.Number("current_class_threshold"),
            CurrentClassNegativeThreshold = contrastiveConfig.Number("current_class_negative_threshold"),
            LowEntropyThreshold = contrastiveConfig.Number("low_entropy_threshold"),
            NumNegatives = contrastiveConfig.Int("num_negatives"),
            NumQueries = contrastiveConfig.Int("num_queries"),
            Temperature = contrastiveConfig.Number("temperature"),
        };
        if (official) options = profile.ContrastiveDefaults(options);
        if (change is not null) options = change(options);
        var unsupervised = new UnsupervisedOptions { DropPercent = Config.GetProperty("trainer").GetProperty("unsupervised").Number("drop_percent") };
        var criterion = new SupervisedCriterion(new SupervisedCriterionOptions());
        var ema = new EmaTeacher(new EmaOptions());
        return new U2plMethod(criterion, unsupervised, options, ema, NumClasses, (ulong)Config.Int("seed"), profile);
    }

    // The step's losses from the fixture's outputs, and the gradients of its total with respect to the student's outputs.
    private static (Dictionary<string, double> Losses, Tensor GradPred, Tensor GradRep) Run(U2plMethod method, JsonElement step)
    {
        var pred = step.Tensor("student_pred").Float().RequiresGrad_();
        var rep = step.Tensor("student_rep").Float().RequiresGrad_();
        var teacher = new SegmentationOutput(step.Tensor("teacher_pred").Float(), step.Tensor("teacher_rep").Float());
        var result = method.SemiSupervisedLosses(step.Tensor("labels"), step.Tensor("pseudo_labels"), new SegmentationOutput(pred, rep), teacher,
                                                 Config.Int("epoch"), Config.Int("epochs"), iteration: 1);
        result.Total.Backward();
        return (result.ReadTerms().ToDictionary(), pred.Grad!, rep.Grad!);
    }
}
