using System.Text.Json;
using SemiSeg.Methods.Ael;

namespace SemiSeg.Tests.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// Our AEL parts against Fixtures/ael/official_ael.json, which tools/make_official_ael_fixtures.py
/// wrote by running the with_AEL branch of Haochen-Wang409/U2PL (the commit is in the fixture's
/// "source"): the confidence bank's start and update, the consistency loss with dynamic re-weighting
/// and adaptive equalisation sampling (same torch.rand draws from the same seed), the copy-paste
/// categories' probabilities and the paste, the CutMix bank's update and sampling distribution, and
/// the CutMix mask. Values agree to 1e-5 relative; where the branch draws with numpy or Python's
/// random the fixture's inputs leave one possible outcome (see the script's header).
/// </summary>
public class AelOfficialTests
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ael", "official_ael.json"))));

    private static JsonElement Case(string name) => Document.Value.RootElement.GetProperty(name);

    private static void Close(Tensor expected, Tensor actual, string what) => ImasOfficialTests.CloseRelative(expected, actual, what);

    [Fact]
    public void FixtureRecordsTheBranchCommit()
    {
        var source = Case("source");
        Assert.Equal("https://github.com/Haochen-Wang409/U2PL", source.GetProperty("repository").GetString());
        Assert.Equal("with_AEL", source.GetProperty("branch").GetString());
        Assert.Matches("^[0-9a-f]{40}$", source.GetProperty("commit").GetString()!);
    }

    [Fact]
    public void ConfidenceBankStartsUpdatesAndMeasuresAsTheBranch()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("confidence");
        var c = f.Int("num_classes");
        using var generator = new Generator((ulong)f.Int("seed"));
        using var bank = new AelConfidenceBank(c, f.Number("momentum"), generator);
        Close(f.Tensor("start"), bank.GetState()["class_criterion"], "torch.rand(3, C) start");
        var category = AelConfidenceBank.CategoryConfidence(f.Tensor("student_sup"), f.Tensor("labels"), c);
        Close(f.Tensor("category_confidence"), category, "cal_category_confidence");
        Assert.Equal(0.0, category.Select(0, 4).Item());   // the class absent from the labels
        bank.Update(category);
        Close(f.Tensor("updated"), bank.GetState()["class_criterion"], "momentum update");
    }

    [Fact]
    public void ConsistencyLossAndItsGradientMatchCriterionCons()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("consistency");
        var (confidence, pseudo, classConfidence) = (f.Tensor("confidence"), f.Tensor("pseudo_labels"), f.Tensor("class_confidence").Float());
        foreach (var entry in f.GetProperty("cases").EnumerateObject())
        {
            var c = entry.Value;
            var logits = f.Tensor("logits").Float().RequiresGrad_();
            var options = new AelConsistencyOptions(c.Number("gamma"), c.GetProperty("sample").GetBoolean(), c.Number("gamma2"));
            using var generator = new Generator((ulong)f.Int("seed"));
            var loss = AelConsistencyLoss.Compute(logits, confidence.Float(), pseudo, options, classConfidence, generator);
            Assert.True(Math.Abs(loss.Item() - c.Number("loss")) <= 1e-5 * Math.Abs(c.Number("loss")) + 1e-7,
                        $"{entry.Name}: official {c.Number("loss")}, ours {loss.Item()}");
            loss.Backward();
            Close(c.Tensor("grad"), logits.Grad!, $"{entry.Name} gradient");
        }
    }

    [Fact]
    public void SamplingDropsPixelsOfConfidentClasses()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("consistency");
        using var generator = new Generator(1);
        var map = AdaptiveEqualizationSampling.SampleMap(f.Tensor("logits").Float(), f.Tensor("class_confidence").Float(), 1, generator);
        var kept = map.Sum().Item();
        Assert.InRange(kept, 1, map.NumEl - 1);
        // The least confident class (1, confidence 0.2) has rate 1: every pixel predicted as it is kept.
        var predicted = f.Tensor("logits").Argmax(1);
        Assert.Equal(predicted.Eq(1).Sum().Item(), (map * predicted.Eq(1)).Sum().Item());
    }

    [Fact]
    public void CopyPasteCategoriesAndPasteMatchTheBranch()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("copy_paste");
        var targets = AdaptiveCopyPaste.TargetCategories(f.Int("num_classes"), AdaptiveCopyPaste.CityscapesIgnoredCategories);
        Assert.Equal(f.GetProperty("target_cat").EnumerateArray().Select(e => e.GetInt32()).ToArray(), targets);
        var row = f.Tensor("class_criterion").Float().Select(0, 0);
        Close(f.Tensor("probabilities"), AdaptiveCopyPaste.CategoryProbabilities(row, targets), "softmax(sqrt(1 - conf))");
        var query = f.GetProperty("query_cat").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var (images, labels) = AdaptiveCopyPaste.Paste(f.Tensor("images").Float(), f.Tensor("labels"), f.Tensor("paste_images").Float(),
                                                       f.Tensor("paste_labels"), query);
        Close(f.Tensor("pasted_images"), images, "pasted images");
        TensorAssert.Equal(f.Tensor("pasted_labels"), labels, "pasted labels");
    }

    [Fact]
    public void CategoryDrawsFollowTheProbabilities()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("copy_paste");
        var targets = AdaptiveCopyPaste.TargetCategories(f.Int("num_classes"), AdaptiveCopyPaste.CityscapesIgnoredCategories);
        var row = f.Tensor("class_criterion").Float().Select(0, 0);
        using var generator = new Generator(7);
        var drawn = AdaptiveCopyPaste.DrawCategories(row, targets, 3, generator);
        Assert.InRange(drawn.Length, 1, 3);
        Assert.All(drawn, c => Assert.Contains(c, targets));
        Assert.Equal(drawn.Distinct().Count(), drawn.Length);
    }

    [Fact]
    public void CutMixBankUpdatesAndSamplesAsTheBranch()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("cutmix_bank");
        var c = f.Int("num_classes");
        using var bank = new AdaptiveCutMixBank(c, f.Int("images"));
        bank.SetState(new Dictionary<string, Tensor> { ["cutmix_bank"] = f.Tensor("start").Float() });
        bank.Update(f.Tensor("teacher_logits").Float(), f.Int("image_id"), f.Int("sample_id"), f.Number("area_thresh"));
        TensorAssert.Equal(f.Tensor("updated"), bank.Snapshot(), "update_cutmix_bank");

        var confidence = f.Tensor("confidence").Float();
        Close(f.Tensor("probabilities"), AdaptiveCutMixBank.ClassProbabilities(confidence), "softmax(1 - conf)");
        using var single = new AdaptiveCutMixBank(c, f.Int("images"));
        single.SetState(new Dictionary<string, Tensor> { ["cutmix_bank"] = f.Tensor("single_column_bank").Float() });
        using var generator = new Generator(3);
        for (var k = 0; k < 5; k++) Assert.Equal(f.GetProperty("single_column_sample").GetInt64(), single.Sample(confidence, generator).SampleId);
        using var empty = new AdaptiveCutMixBank(c, 1);
        Assert.Equal(f.GetProperty("empty_one_image_sample").GetInt64(), empty.Sample(confidence, generator).SampleId);
    }

    [Fact]
    public void CutMixMaskIsTheBoxOfTheLargeEightConnectedComponent()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("cutmix_mask");
        var prediction = f.Tensor("prediction");
        foreach (var c in f.GetProperty("cases").EnumerateArray())
        {
            using var generator = new Generator(11);
            var (mask, _) = AdaptiveCutMixMask.Generate(prediction, c.Int("category"), f.Number("area_thresh"), generator);
            TensorAssert.Equal(c.Tensor("mask"), mask, $"generate_cutmix_mask class {c.Int("category")}");
        }
    }
}
