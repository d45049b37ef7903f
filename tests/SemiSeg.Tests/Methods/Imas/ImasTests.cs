using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

public class ImasTests
{
    // Logits (1, 3, 2, 4) whose argmax is the given map, with a confident or a flat margin per pixel.
    private static Tensor Logits(long[] map, float[] margins)
    {
        var data = new float[3 * 8];
        for (var p = 0; p < 8; p++) data[map[p] * 8 + p] = margins[p];
        return Tensor.From(data, 1, 3, 2, 4);
    }

    [Fact]
    public void ScoreOfAHandMadePairOfMaps()
    {
        using var scope = Torch.NewDisposeScope();
        // teacher [[0,1,1,2],[1,1,2,2]], student [[0,1,2,2],[1,1,1,2]]
        // IoU: class 0 1/1, class 1 3/5, class 2 2/4. Pixel counts: teacher 1/4/3, student 1/4/3.
        // Background ignored: (4 * 0.6 + 3 * 0.5) / 7 = 3.9 / 7 against either reference.
        var teacher = Logits(new long[] { 0, 1, 1, 2, 1, 1, 2, 2 }, Enumerable.Repeat(12f, 8).ToArray());
        var student = Logits(new long[] { 0, 1, 2, 2, 1, 1, 1, 2 }, new[] { 12f, 12f, 12f, 12f, 0.5f, 0.5f, 0.5f, 0.5f });
        var (againstTeacher, againstStudent) = ImasHardness.AgreementIou(student.Argmax(1), teacher.Argmax(1), 3);
        Assert.Equal(3.9 / 7, againstTeacher.Item(), 6);
        Assert.Equal(3.9 / 7, againstStudent.Item(), 6);
        // Teacher confident everywhere (ratio 1), student on half the pixels (ratio 0.5), tau 0.95.
        var v1 = ImasHardness.Score(student, teacher, 0.95).Item();
        Assert.Equal((3.9 / 7 * 1 + 3.9 / 7 * 0.5) / 2, v1, 6);
        var v2 = ImasHardness.Score(student, teacher, 0.95, useV1: false).Item();
        Assert.Equal(3.9 / 7, v2, 6);
        // Plain mean IoU over the classes present, background included: (1 + 0.6 + 0.5) / 3
        var (plain, _) = ImasHardness.AgreementIou(student.Argmax(1), teacher.Argmax(1), 3, classWeighted: false);
        Assert.Equal(2.1 / 3, plain.Item(), 6);
    }

    [Fact]
    public void AllBackgroundImageScoresZero()
    {
        using var scope = Torch.NewDisposeScope();
        var background = Logits(new long[8], Enumerable.Repeat(12f, 8).ToArray());
        Assert.Equal(0.0, ImasHardness.Score(background, background, 0.95).Item());
    }

    [Fact]
    public void MatchesTheOfficialNumpyScores()
    {
        using var scope = Torch.NewDisposeScope();
        var f = LossFixtures.Case("imas");
        var student = f.Tensor("student");
        var teacher = f.Tensor("teacher");
        var tau = f.Number("threshold");
        foreach (var (name, weighted, ignoreBg) in new[] { ("weighted_nobg", true, true), ("weighted_bg", true, false), ("plain", false, true) })
        {
            var expected = f.GetProperty(name);
            var (iouT, iouS) = ImasHardness.AgreementIou(student.Argmax(1), teacher.Argmax(1), student.Size(1), weighted, ignoreBg);
            TensorAssert.Close(expected.Tensor("iou_t"), iouT, 1e-6, $"{name} iou_t");
            TensorAssert.Close(expected.Tensor("iou_s"), iouS, 1e-6, $"{name} iou_s");
            TensorAssert.Close(expected.Tensor("v1"), ImasHardness.Score(student, teacher, tau, true, weighted, ignoreBg), 1e-6, $"{name} v1");
            // v2 is NaN in the official code when neither model is confident anywhere; ours is 0 there.
            var v2 = expected.Tensor("v2");
            var finite = v2.MaskedFill(v2.Ne(v2), 0.0);   // NaN != NaN
            TensorAssert.Close(finite, ImasHardness.Score(student, teacher, tau, false, weighted, ignoreBg), 1e-6, $"{name} v2");
        }
        var unsup = f.GetProperty("unsup");
        var logits = unsup.Tensor("logits");
        var labels = unsup.Tensor("labels");
        var confidence = unsup.Tensor("confidence");
        TensorAssert.Close(unsup.Number("plain"), ImasUnsupervisedLoss.Compute(logits, labels, confidence, tau, null).Item(), 1e-5, "plain");
        var scores = f.GetProperty("weighted_nobg").Tensor("v1");
        TensorAssert.Close(unsup.Number("weighted"), ImasUnsupervisedLoss.Compute(logits, labels, confidence, tau, scores).Item(), 1e-5, "weighted");
        TensorAssert.Close(3 * unsup.Number("weighted"), ImasUnsupervisedLoss.Compute(logits, labels, confidence, tau, scores, 3).Item(), 3e-5, "loss weight");
    }

    [Fact]
    public void EasyImagesArePairedWithHardOnes()
    {
        using var scope = Torch.NewDisposeScope();
        var partners = ImasAugmentation.EasyHardPartners(Tensor.From(new float[] { 0.2f, 0.9f, 0.5f, 0.1f }, 4));
        // ascending order 3, 0, 2, 1: 3 <-> 1, 0 <-> 2
        Assert.Equal(new long[] { 2, 3, 0, 1 }, partners.ToArray<long>());
        var odd = ImasAugmentation.EasyHardPartners(Tensor.From(new float[] { 0.5f, 0.5f, 0.1f }, 3));
        // ascending (ties in batch order) 2, 0, 1: 2 <-> 1, and 0 in the middle pairs with itself
        Assert.Equal(new long[] { 0, 2, 1 }, odd.ToArray<long>());
    }

    [Fact]
    public void StrongViewIsMixedWithTheWeakOneByScore()
    {
        using var scope = Torch.NewDisposeScope();
        var strong = Torch.Ones(new long[] { 2, 1, 1, 2 });
        var weak = Torch.Zeros(new long[] { 2, 1, 1, 2 });
        using var generator = new Generator(0);
        var scores = Tensor.From(new float[] { 0.25f, 1f }, 2);
        Assert.Equal(new[] { 0.25f, 0.25f, 1f, 1f }, ImasAugmentation.MixStrongWithWeak(strong, weak, scores, true, generator).ToArray<float>());
        var picked = ImasAugmentation.MixStrongWithWeak(strong, weak, Tensor.From(new float[] { 0f, 1f }, 2), false, generator).ToArray<float>();
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, picked);                // score 0 never, score 1 always picks strong
    }

    [Fact]
    public void CutMixPastesThePartnersBoxIntoImageLabelsAndConfidence()
    {
        using var scope = Torch.NewDisposeScope();
        using var generator = new Generator(11);
        var images = Torch.Arange(0, 2 * 3 * 16 * 16, 1, ScalarType.Float32).View(2, 3, 16, 16);
        var labels = Torch.Stack(new[] { Torch.Zeros(new long[] { 16, 16 }, ScalarType.Int64), Torch.Ones(new long[] { 16, 16 }, ScalarType.Int64) });
        var confidence = labels.Float() * 0.5 + 0.25;
        var partners = Tensor.From(new long[] { 1, 0 }, 2);
        var (mixed, mixedLabels, mixedConfidence) = ImasAugmentation.CutMix(images, labels, confidence, partners, new[] { 0.5, 0.5 }, generator);
        // Box side int(16 * 0.5) = 8, clipped at the border: the pasted area is where labels changed.
        var box = mixedLabels.Ne(labels);
        var area = box.Sum(new long[] { 1, 2 }).ToArray<long>();
        Assert.All(area, a => Assert.InRange(a, 1, 64));
        TensorAssert.Equal(Torch.Where(box.Unsqueeze(1), images.IndexSelect(0, partners), images), mixed, "images");
        TensorAssert.Close(Torch.Where(box, confidence.IndexSelect(0, partners), confidence), mixedConfidence, 0, "confidence");
        var mask = ImasAugmentation.BoxMask(4, 16, 16, 0.5, generator);
        foreach (var image in Enumerable.Range(0, 4))
        {
            var rows = mask.Select(0, image).Sum(1).Gt(0).ToArray<bool>();
            var runs = string.Concat(rows.Select(r => r ? '1' : '0')).Split('0', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(runs.Length == 1 && runs[0].Length <= 8, "each box is one band of at most 8 rows");
        }
    }

    [Fact]
    public void OptionsRejectUnsupportedSettingsByKey()
    {
        var error = Assert.Throws<MethodOptionException>(() => new ImasOptions { FlagMappingGaussian = true }.Validate());
        Assert.Equal("dataset.train.hardness_aware.flag_mapping_gaussian", error.Key);
        Assert.Contains("trainer.unsupervised.threshold = 1.5", Assert.Throws<MethodOptionException>(() => new ImasOptions { Threshold = 1.5 }.Validate()).Message);
        Assert.Contains("use_cutmix_range", Assert.Throws<MethodOptionException>(() => new ImasOptions { UseCutmixRange = new[] { 0.2 } }.Validate()).Message);
        Assert.Equal(0.996, new ImasOptions().Ema.Decay);
    }
}
