using System.Text.Json;
using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Torch.nn;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// Our iMAS pieces against Fixtures/imas/official_imas.json, which tools/make_official_imas_fixtures.py
/// wrote by running the official code (ZhenZHAO/iMAS; the commit is in the fixture's "source"): the
/// hardness score, the strong view mixed with the weak one, the adaptive CutMix (pairing, box, pasted
/// tensors) and the unsupervised loss. Deterministic values agree to 1e-5 relative; the box centres
/// are the draws numpy made, reproduced by our generator (see the script's header).
/// </summary>
public class ImasOfficialTests
{
    private const double Relative = 1e-5;

    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "imas", "official_imas.json"))));

    private static JsonElement Case(string name) => Document.Value.RootElement.GetProperty(name);

    /// <summary>|ours - official| within 1e-5 of |official| (plus 1e-7 so that zeros compare).</summary>
    internal static void CloseRelative(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.To(ScalarType.Float64).ToArray<double>();
        var a = actual.To(ScalarType.Float64).ToArray<double>();
        for (var k = 0; k < e.Length; k++)
            Assert.True(Math.Abs(e[k] - a[k]) <= Relative * Math.Abs(e[k]) + 1e-7, $"{what}[{k}]: official {e[k]}, ours {a[k]}");
    }

    /// <summary>
    /// For network outputs, where float32 sums over thousands of terms cancel near zero: |ours - official|
    /// within 1e-5 of the largest |official| value.
    /// </summary>
    private static void CloseToScale(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.To(ScalarType.Float64).ToArray<double>();
        var a = actual.To(ScalarType.Float64).ToArray<double>();
        var scale = e.Max(Math.Abs);
        Assert.True(scale > 0.1, $"{what}: the official output is too small to test anything");
        for (var k = 0; k < e.Length; k++)
            Assert.True(Math.Abs(e[k] - a[k]) <= Relative * scale, $"{what}[{k}]: official {e[k]}, ours {a[k]} (scale {scale})");
    }

    [Fact]
    public void FixtureRecordsTheOfficialCommit()
    {
        var source = Case("source");
        Assert.Equal("https://github.com/ZhenZHAO/iMAS", source.GetProperty("repository").GetString());
        Assert.Matches("^[0-9a-f]{40}$", source.GetProperty("commit").GetString()!);
    }

    [Fact]
    public void HardnessMatchesComputeUlbHardnessAll()
    {
        using var scope = Torch.NewDisposeScope();
        var f = Case("hardness");
        var student = f.Tensor("student");
        var teacher = f.Tensor("teacher");
        var tau = f.Number("threshold");
        var flagCases = f.GetProperty("flags").EnumerateObject().ToArray();
        Assert.Equal(4, flagCases.Length);
        foreach (var flags in flagCases)
        {
            var c = flags.Value;
            var (weighted, ignoreBg) = (c.GetProperty("weighted").GetBoolean(), c.GetProperty("ignore_bg").GetBoolean());
            var (iouT, iouS) = ImasHardness.AgreementIou(student.Argmax(1), teacher.Argmax(1), student.Size(1), weighted, ignoreBg);
            CloseRelative(c.Tensor("iou_t"), iouT, $"{flags.Name} iou_t");
            CloseRelative(c.Tensor("iou_s"), iouS, $"{flags.Name} iou_s");
            CloseRelative(c.Tensor("v1"), ImasHardness.Score(student, teacher, tau, true, weighted, ignoreBg), $"{flags.Name} v1");
            CloseRelative(c.Tensor("v2"), ImasHardness.Score(student, teacher, tau, false, weighted, ignoreBg), $"{flags.Name} v2");
        }
    }

    [Theory]
    [InlineData("blend")]
    [InlineData("pick")]
    public void MixedStrongViewMatchesTrainSemiStep3(string name)
    {
        using var scope = Torch.NewDisposeScope();
        var c = Case("mix_strong").GetProperty(name);
        using var generator = new Generator(5);
        var mixed = ImasAugmentation.MixStrongWithWeak(c.Tensor("strong"), c.Tensor("weak"), c.Tensor("scores"),
                                                       c.GetProperty("blend").GetBoolean(), generator);
        CloseRelative(c.Tensor("mixed"), mixed, name);
    }

    public static IEnumerable<object[]> CutMixCases() =>
        Enumerable.Range(0, Case("cutmix").GetProperty("cases").GetArrayLength()).Select(i => new object[] { i });

    private static JsonElement CutMixCase(int index) => Case("cutmix").GetProperty("cases")[index];

    [Theory]
    [MemberData(nameof(CutMixCases))]
    public void PairingMatchesCutMixByHardness(int index)
    {
        using var scope = Torch.NewDisposeScope();
        var c = CutMixCase(index);
        TensorAssert.Equal(c.Tensor("partners"), ImasAugmentation.EasyHardPartners(c.Tensor("scores")), c.GetProperty("name").GetString()!);
    }

    [Theory]
    [MemberData(nameof(CutMixCases))]
    public void BoxesAreTheOnesNumpyDrew(int index)
    {
        using var scope = Torch.NewDisposeScope();
        var c = CutMixCase(index);
        var images = c.Tensor("images");
        var (batch, height, width) = (images.Size(0), images.Size(2), images.Size(3));
        var scores = c.Tensor("scores");
        var range = c.GetProperty("side_range").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        using var anySide = new Generator(12345);
        double? randomScale = c.GetProperty("flag_mapping_random").GetBoolean() ? scores.Mean().Item() : null;
        var v = ImasAugmentation.SideRatio(range, anySide, randomScale);
        Assert.Equal(c.Number("v"), v, 12);

        using var generator = new Generator((ulong)c.Int("seed"));
        var mask = ImasAugmentation.BoxMask(batch, height, width, v, generator).To(ScalarType.Int64).ToArray<long>();
        // rand_bbox_by_v's "x" is dimension 2 (it reads W = size[2]) and "y" dimension 3.
        var boxes = c.Tensor("boxes_x1_y1_x2_y2").ToArray<long>();
        for (var b = 0; b < batch; b++)
        for (var r = 0; r < height; r++)
        for (var col = 0; col < width; col++)
        {
            var inside = r >= boxes[4 * b] && r < boxes[4 * b + 2] && col >= boxes[4 * b + 1] && col < boxes[4 * b + 3];
            Assert.True((mask[(b * height + r) * width + col] == 1) == inside, $"image {b} pixel ({r}, {col})");
        }
    }

    [Theory]
    [MemberData(nameof(CutMixCases))]
    public void CutMixMatchesCutMixByHardness(int index)
    {
        using var scope = Torch.NewDisposeScope();
        var c = CutMixCase(index);
        var scores = c.Tensor("scores");
        var range = c.GetProperty("side_range").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double? randomScale = c.GetProperty("flag_mapping_random").GetBoolean() ? scores.Mean().Item() : null;
        using var generator = new Generator((ulong)c.Int("seed"));
        using var sideGenerator = new Generator(777);
        var (images, labels, confidence) = ImasAugmentation.CutMix(c.Tensor("images"), c.Tensor("labels"), c.Tensor("confidence"),
            ImasAugmentation.EasyHardPartners(scores), range, generator, randomScale, sideGenerator);
        var name = c.GetProperty("name").GetString()!;
        CloseRelative(c.Tensor("mixed_images"), images, $"{name} images");
        TensorAssert.Equal(c.Tensor("mixed_labels"), labels, $"{name} labels");
        CloseRelative(c.Tensor("mixed_confidence"), confidence, $"{name} confidence");
    }

    [Fact]
    public void CentresOfAPowerOfTwoRangeAreNumpysDraws()
    {
        // The script asserts torch.randint == numpy randint for these sizes; this checks that our
        // Generator is the same stream as torch.Generator().manual_seed(seed).
        using var scope = Torch.NewDisposeScope();
        var c = CutMixCase(0);
        using var generator = new Generator((ulong)c.Int("seed"));
        var boxes = c.Tensor("boxes_x1_y1_x2_y2");
        var size = c.Tensor("images").Size(2);
        var centres = Torch.Randint(size / 16, size, new[] { boxes.Size(0) }, generator).ToArray<long>();
        var flat = boxes.ToArray<long>();
        var half = (long)(size * c.Number("v")) / 2;
        for (var b = 0; b < centres.Length; b++)
        {
            Assert.Equal(Math.Clamp(centres[b] - half, 0, size), flat[4 * b]);
            Assert.Equal(Math.Clamp(centres[b] + half, 0, size), flat[4 * b + 2]);
        }
    }

    // Fills a module's float state, in the fixture's order, with rand * a + b from the generator, as the script did.
    private static void Fill(Module module, JsonElement recipe, Generator generator)
    {
        var state = module.StateDict().ToDictionary(e => e.Key, e => e.Value);
        var names = new List<string>();
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        foreach (var entry in recipe.EnumerateArray())
        {
            var name = entry[0].GetString()!;
            var shape = entry[1].EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.True(state.ContainsKey(name), $"the official module has {name}, ours does not");
            Assert.Equal(shape, state[name].Shape);
            state[name].CopyInPlace(Torch.Rand(shape, generator) * entry[2].GetDouble() + entry[3].GetDouble());
            names.Add(name);
        }
        Assert.Equal(state.Keys.Where(k => !k.EndsWith("num_batches_tracked")).Order(), names.Order());
    }

    [Fact]
    public void ImasDecoderAndAuxHeadMatchTheOfficialModules()
    {
        using var scope = Torch.NewDisposeScope();
        var c = Case("decoder");
        var classes = c.Int("num_classes");
        var dilations = c.GetProperty("dilations").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        using var decoder = new ImasDeepLabV3Plus(c.Int("stage4"), 256, classes, c.Int("inner_planes"), c.Int("head_planes"),
                                                  c.Int("low_conv_planes"), dilations);
        using var aux = AuxiliaryHead.Imas(c.Int("stage3"), classes, c.Int("aux_hidden"));
        using var generator = new Generator((ulong)c.Int("seed"));
        Fill(decoder, c.GetProperty("decoder_weights"), generator);
        Fill(aux, c.GetProperty("aux_weights"), generator);
        Tensor Input(string stage) =>
            Torch.Rand(c.GetProperty("inputs").GetProperty(stage).EnumerateArray().Select(e => e.GetInt64()).ToArray(), generator) * 2.0 - 1.0;
        var (stage1, stage3, stage4) = (Input("stage1"), Input("stage3"), Input("stage4"));
        decoder.Eval();
        aux.Eval();
        using var noGrad = Torch.NoGrad();
        var output = decoder.Forward(new StageFeatures(stage1, stage3, stage3, stage4));
        Assert.Null(output.Representation);
        CloseToScale(c.Tensor("pred"), output.Prediction, "decoder");
        CloseToScale(c.Tensor("aux"), aux.Forward(stage3), "aux");
    }

    [Fact]
    public void UnsupervisedLossMatchesComputeUnsupervisedLossByThreshold()
    {
        using var scope = Torch.NewDisposeScope();
        var c = Case("unsup_loss");
        var (logits, labels, confidence, tau) = (c.Tensor("logits"), c.Tensor("labels"), c.Tensor("confidence"), c.Number("threshold"));
        var plain = ImasUnsupervisedLoss.Compute(logits, labels, confidence, tau, null).Item();
        var weighted = ImasUnsupervisedLoss.Compute(logits, labels, confidence, tau, c.Tensor("scores")).Item();
        Assert.True(Math.Abs(plain - c.Number("plain")) <= Relative * Math.Abs(c.Number("plain")), $"plain: official {c.Number("plain")}, ours {plain}");
        Assert.True(Math.Abs(weighted - c.Number("weighted")) <= Relative * Math.Abs(c.Number("weighted")), $"weighted: official {c.Number("weighted")}, ours {weighted}");
    }
}
