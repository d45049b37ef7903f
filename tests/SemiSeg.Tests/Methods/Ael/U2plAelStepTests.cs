using System.Text.Json;
using SemiSeg.Methods;
using SemiSeg.Methods.Ael;
using SemiSeg.Models;

namespace SemiSeg.Tests.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// One step of the with_AEL branch: Fixtures/ael/official_ael.json's "step" holds what train.py's
/// lines 474-789 computed (exec'd as written, stub networks returning fixed outputs, a one-process
/// gloo group; tools/make_official_ael_fixtures.py). Ours must give the same CutMix mask and bank,
/// confidence bank, supervised, consistency and contrastive losses, the same gradient with respect
/// to every student output and the same memory bank, within 1e-5.
/// </summary>
public class U2plAelStepTests
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ael", "official_ael.json"))));

    private static void Close(Tensor expected, Tensor actual, string what) => ImasOfficialTests.CloseRelative(expected, actual, what);

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Abs(expected) + 1e-7, $"{what}: official {expected}, ours {actual}");

    [Fact]
    public void OneStepMatchesTrainPy()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Document.Value.RootElement.GetProperty("step");
        var c = f.Int("num_classes");
        var config = f.GetProperty("config");
        var acm = config.GetProperty("acm");
        var labels = f.Tensor("labels");
        var size = labels.Size(1);
        Tensor Leaf(string part, string key) => f.GetProperty(part).Tensor(key).Float().RequiresGrad_();
        var studentSup = new SegmentationOutput(Leaf("student_sup", "pred"), Leaf("student_sup", "rep"), Leaf("student_sup", "aux"));
        var studentUnsup = new SegmentationOutput(Leaf("student_unsup", "pred"), Leaf("student_unsup", "rep"), Leaf("student_unsup", "aux"));
        var teacherSup = new SegmentationOutput(f.GetProperty("teacher_sup").Tensor("pred").Float(), f.GetProperty("teacher_sup").Tensor("rep").Float());

        // The CutMix region from the sampled image's prediction, the CutMix bank, the mixed pseudo-logits.
        var weakLarge = Upsample.ToLabels(f.Tensor("teacher_weak").Float(), size, size);
        using var host = new Generator(1);
        var (mask, _) = AdaptiveCutMixMask.Generate(weakLarge.Select(0, 1).Argmax(0), f.Int("sample_cat"), acm.Number("area_thresh"), host);
        TensorAssert.Equal(f.Tensor("mask"), mask, "generate_cutmix_mask");
        var startBank = f.Tensor("cutmix_bank_start");
        using var cutmix = new AdaptiveCutMixBank(c, startBank.Size(1));
        cutmix.SetState(new Dictionary<string, Tensor> { ["cutmix_bank"] = startBank.Float() });
        cutmix.Update(weakLarge, f.Int("img_id"), f.Int("sample_id"), acm.Number("area_thresh2"));
        TensorAssert.Equal(f.Tensor("cutmix_bank"), cutmix.Snapshot(), "update_cutmix_bank");
        var mixed = U2plAelStep.MixLogits(weakLarge, mask);

        using var confidence = new AelConfidenceBank(c, config.Number("momentum"), host);
        confidence.SetState(new Dictionary<string, Tensor> { ["class_criterion"] = f.Tensor("class_criterion_start").Float() });
        var contra = config.GetProperty("trainer").GetProperty("contrastive");
        var contrastiveOptions = new ContrastiveOptions
        {
            LowRank = contra.Int("low_rank"), HighRank = contra.Int("high_rank"),
            CurrentClassThreshold = contra.Number("current_class_threshold"),
            CurrentClassNegativeThreshold = contra.Number("current_class_negative_threshold"),
            UnsupervisedEntropyIgnore = contra.Number("unsupervised_entropy_ignore"),
            LowEntropyThreshold = contra.Number("low_entropy_threshold"),
            NumNegatives = contra.Int("num_negatives"), NumQueries = contra.Int("num_queries"), Temperature = contra.Number("temperature"),
        };
        var start = f.GetProperty("bank_start").EnumerateArray().Select(LossFixtures.ToTensor).ToArray();
        using var bank = CategoryMemoryBank.FromOptions(contrastiveOptions, c, start[0].Size(1));
        for (var k = 0; k < c; k++) bank.Enqueue(k, start[k].Float());

        var criterion = config.GetProperty("criterion");
        var supervised = new SupervisedCriterion(new SupervisedCriterionOptions
        {
            Type = "ohem", Thresh = criterion.GetProperty("kwargs").Number("thresh"), MinKept = criterion.GetProperty("kwargs").Int("min_kept"), AuxWeight = 0.4,
        });
        var cons = criterion.GetProperty("cons");
        var step = new U2plAelStep(supervised, contrastiveOptions, new U2plAelStepOptions
        {
            ContraWeight = criterion.Number("contra_weight"),
            Consistency = new AelConsistencyOptions(cons.Number("gamma"), cons.GetProperty("sample").GetBoolean()),
        }, c);
        using var torchStream = new Generator((ulong)f.Int("seed"));
        var losses = step.Losses(labels, studentSup, studentUnsup, teacherSup, mixed, f.Tensor("teacher_strong_rep").Float(), confidence, bank,
                                 torchStream, f.Int("epoch"), f.Int("epochs"));
        var terms = losses.ReadTerms();
        Close(f.Number("sup"), terms["sup"], "supervised");
        Close(f.Number("cons1") + f.Number("cons2"), terms["unsup"], "consistency");
        Close(f.Number("contra"), terms["contrastive"], "contrastive");
        Assert.True(f.Number("contra") > 0, "the fixture's contrastive loss should not be 0");
        Close(f.Number("loss"), losses.Total.Item(), "total");
        Close(f.Tensor("class_criterion"), confidence.GetState()["class_criterion"], "class_criterion");
        for (var k = 0; k < c; k++) Close(LossFixtures.ToTensor(f.GetProperty("bank").EnumerateArray().ElementAt(k)), bank.Snapshot(k), $"memory bank class {k}");

        losses.Total.Backward();
        foreach (var (part, output) in new[] { ("sup", studentSup), ("unsup", studentUnsup) })
            foreach (var (key, tensor) in new[] { ("pred", output.Prediction), ("rep", output.Representation!), ("aux", output.Auxiliary!) })
                Close(f.Tensor($"grad_{part}_{key}"), tensor.Grad ?? Torch.ZerosLike(tensor), $"gradient {part} {key}");
    }
}
