using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

/// <summary>Strong mixes move image, pseudo-label and confidence together, pixel by pixel.</summary>
public class UnsupervisedMixTests
{
    private const int B = 4, H = 12, W = 16;

    private static (Tensor Image, Tensor Label, Tensor Confidence) Batch()
    {
        var image = new float[B * 3 * H * W];
        var label = new long[B * H * W];
        var confidence = new float[B * H * W];
        for (var b = 0; b < B; b++)
            for (var y = 0; y < H; y++)
                for (var x = 0; x < W; x++)
                {
                    var p = y * W + x;
                    for (var c = 0; c < 3; c++) image[((b * 3 + c) * H + y) * W + x] = 1000 * b + p;
                    label[b * H * W + p] = (b * 5 + x / 4 + y / 6) % 7;
                    confidence[b * H * W + p] = 0.1f * b + 0.001f * p;
                }
        return (Tensor.From(image, B, 3, H, W), Tensor.From(label, B, H, W), Tensor.From(confidence, B, H, W));
    }

    /// <summary>For each pixel, the sample it came from (read from the image), after checking label and confidence agree.</summary>
    private static int[] Sources(Tensor image, Tensor label, Tensor confidence, long[] originalLabel, float[] originalConfidence)
    {
        var img = image.ToArray<float>();
        var lab = label.ToArray<long>();
        var conf = confidence.ToArray<float>();
        var sources = new int[B * H * W];
        for (var b = 0; b < B; b++)
            for (var p = 0; p < H * W; p++)
            {
                var v = img[b * 3 * H * W + p];
                var s = (int)Math.Round((v - p) / 1000);
                Assert.Equal(1000 * s + p, v);                       // no spatial shift
                Assert.Contains(s, new[] { b, (b + 1) % B });         // itself or the next sample
                for (var c = 1; c < 3; c++) Assert.Equal(v, img[(b * 3 + c) * H * W + p]);
                Assert.Equal(originalLabel[s * H * W + p], lab[b * H * W + p]);
                Assert.Equal(originalConfidence[s * H * W + p], conf[b * H * W + p], 5);
                sources[b * H * W + p] = s;
            }
        return sources;
    }

    [Fact]
    public void CutMixPastesABoxOfHalfTheAreaFromTheNextSample()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var (image, label, confidence) = Batch();
        using var generator = new Generator(3);
        var (mi, ml, mc) = UnsupervisedMix.Apply(image, label, confidence, MixMode.CutMix, generator);
        var sources = Sources(mi, ml, mc, label.ToArray<long>(), confidence.ToArray<float>());
        for (var b = 0; b < B; b++)
        {
            var pasted = Enumerable.Range(0, H * W).Where(p => sources[b * H * W + p] != b).ToArray();
            int y0 = pasted.Min(p => p / W), y1 = pasted.Max(p => p / W), x0 = pasted.Min(p => p % W), x1 = pasted.Max(p => p % W);
            Assert.Equal((y1 - y0 + 1) * (x1 - x0 + 1), pasted.Length);   // a filled rectangle
            Assert.InRange(x1 - x0 + 1, W / 2 + 1, W - 1);                  // width in [W/2 + 1, W)
            Assert.Equal((int)Math.Round(H * W / 2.0 / (x1 - x0 + 1), MidpointRounding.ToEven), y1 - y0 + 1);
        }
    }

    [Fact]
    public void CutOutBlanksImageAndConfidenceAndIgnoresTheLabelInOneBox()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var (image, label, confidence) = Batch();
        using var generator = new Generator(4);
        var (mi, ml, mc) = UnsupervisedMix.Apply(image, label, confidence, MixMode.CutOut, generator);
        float[] img = mi.ToArray<float>(), conf = mc.ToArray<float>(), origConf = confidence.ToArray<float>();
        long[] lab = ml.ToArray<long>(), origLab = label.ToArray<long>();
        var cut = 0;
        for (var b = 0; b < B; b++)
            for (var p = 0; p < H * W; p++)
            {
                var i = b * H * W + p;
                var blanked = lab[i] == 255;
                if (blanked) cut++;
                Assert.Equal(blanked ? 0 : 1000 * b + p, img[b * 3 * H * W + p]);
                Assert.Equal(blanked ? 0 : origConf[i], conf[i], 5);
                if (!blanked) Assert.Equal(origLab[i], lab[i]);
            }
        Assert.InRange(cut, B * H * W / 2 - B * 8, B * H * W / 2 + B * 8);
    }

    [Fact]
    public void ClassMixKeepsHalfOfEachSamplesClassesWhole()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var (image, label, confidence) = Batch();
        using var generator = new Generator(5);
        var (mi, ml, mc) = UnsupervisedMix.Apply(image, label, confidence, MixMode.ClassMix, generator);
        var original = label.ToArray<long>();
        var sources = Sources(mi, ml, mc, original, confidence.ToArray<float>());
        for (var b = 0; b < B; b++)
        {
            var classes = Enumerable.Range(0, H * W).Select(p => original[b * H * W + p]).Distinct().ToArray();
            var kept = Enumerable.Range(0, H * W).Where(p => sources[b * H * W + p] == b).Select(p => original[b * H * W + p]).ToHashSet();
            Assert.Equal(classes.Length / 2, kept.Count);
            // A class is kept everywhere or nowhere.
            for (var p = 0; p < H * W; p++)
                Assert.Equal(kept.Contains(original[b * H * W + p]), sources[b * H * W + p] == b);
        }
    }

    [Fact]
    public void MixesRepeatWithTheSameGeneratorSeed()
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var (image, label, confidence) = Batch();
        foreach (var mode in Enum.GetValues<MixMode>())
        {
            using var g1 = new Generator(9);
            using var g2 = new Generator(9);
            var a = UnsupervisedMix.Apply(image, label, confidence, mode, g1);
            var b = UnsupervisedMix.Apply(image, label, confidence, mode, g2);
            Assert.Equal(a.PseudoLabel.ToArray<long>(), b.PseudoLabel.ToArray<long>());
            Assert.Equal(a.Image.ToArray<float>(), b.Image.ToArray<float>());
        }
    }

    [Fact]
    public void MixesAndSlidingWindowLeaveNoTensorsBehind()
    {
        var (image, label, confidence) = Batch();
        using var generator = new Generator(2);
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        for (var i = 0; i < 3; i++)
            foreach (var mode in Enum.GetValues<MixMode>())
            {
                using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
                UnsupervisedMix.Apply(image, label, confidence, mode, generator);
                SlidingWindow.Predict(image, 8, 8, w => w * 2.0);
            }
        Assert.Equal(before, Tensor.LiveCount);
        image.Dispose(); label.Dispose(); confidence.Dispose();
    }
}
