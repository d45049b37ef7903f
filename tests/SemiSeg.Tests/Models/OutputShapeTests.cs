using SemiSeg.Models;
using SemiSeg.Torch.nn;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Models;

/// <summary>
/// Stage, prediction, representation and aux shapes, and conv multiply-adds, equal PyTorch's for narrow
/// networks (spatial sizes do not depend on width) at output stride 8 and 16, odd and even sizes.
/// </summary>
public class OutputShapeTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        var count = ModelFixtures.Read("shapes.json").GetProperty("cases").GetArrayLength();
        for (var k = 0; k < count; k++) data.Add(k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShapesAndMultiplyAddsMatchPyTorch(int index)
    {
        var c = ModelFixtures.Read("shapes.json").GetProperty("cases")[index];
        using var model = ModelBuilder.Build(ModelFixtures.FromSpec(c.GetProperty("spec")));
        var summary = ModelSummary.Measure(model, c.GetProperty("input")[2].GetInt64(), c.GetProperty("input")[3].GetInt64());
        var shapes = summary.Outputs.ToDictionary(o => o.Name, o => o.Shape);
        var stages = c.GetProperty("stages");
        for (var k = 0; k < 4; k++) Assert.Equal(ModelFixtures.Longs(stages[k]), shapes[$"stage{k + 1}"]);
        Assert.Equal(ModelFixtures.Longs(c.GetProperty("pred")), shapes["prediction"]);
        Assert.Equal(ModelFixtures.Longs(c.GetProperty("rep")), shapes["representation"]);
        Assert.Equal(ModelFixtures.Longs(c.GetProperty("aux")), shapes["aux"]);
        Assert.Equal(c.GetProperty("macs").GetInt64(), summary.ForwardMacs);
    }

    [Fact]
    public void OutputStrideIsInputOverStage4Size()
    {
        foreach (var stride in new[] { 8, 16, 32 })
        {
            // torchvision's stem floors its pooling, so 128 divides exactly; the deep stem's ceil-mode pool gives 33 at stride 4.
            var options = new ResNetOptions { Depth = 18, Width = 4, DeepStem = false, ReplaceStrideWithDilation = ResNetOptions.DilationForOutputStride(stride) };
            Assert.Equal(stride, options.OutputStride);
            using var encoder = new ResNet(options);
            using var scope = T.NewDisposeScope();
            using var noGrad = T.NoGrad();
            encoder.Eval();
            var features = encoder.Forward(T.Zeros(new long[] { 1, 3, 128, 128 }));
            Assert.Equal(128 / stride, features.Stage4.Size(2));
            Assert.Equal(128 / 4, features.Stage1.Size(2));
        }
    }

    [Fact]
    public void MultiGridDilatesLayer4BlocksTwoTwoFourTimesTheStageRate()
    {
        // At output stride 8, layer3 runs at rate 2 (its first block at 1, where the stride was) and layer4 at rate 4.
        // Multi-grid (2, 2, 4), as the official code applies it: first block previous rate 2 x 2, then 4 x 2 and 4 x 4.
        using var os8 = new ResNet(new ResNetOptions { Depth = 101, Width = 4, MultiGrid = true });
        Assert.Equal(new long[] { 4, 8, 16 }, Conv2Dilations(os8, "layer4"));
        Assert.Equal(new long[] { 1 }.Concat(Enumerable.Repeat(2L, 22)), Conv2Dilations(os8, "layer3"));
        using var os16 = new ResNet(new ResNetOptions { Depth = 101, Width = 4, MultiGrid = true,
                                                        ReplaceStrideWithDilation = ResNetOptions.DilationForOutputStride(16) });
        Assert.Equal(new long[] { 2, 4, 8 }, Conv2Dilations(os16, "layer4"));
        Assert.All(Conv2Dilations(os16, "layer3"), d => Assert.Equal(1, d));
    }

    private static long[] Conv2Dilations(ResNet encoder, string stage) =>
        encoder.NamedModules().Where(m => m.Name.StartsWith(stage + ".") && m.Name.EndsWith(".conv2"))
            .Select(m => ((Conv2d)m.Module).Dilation).ToArray();

    [Fact]
    public void AsppRatesAreSelectable()
    {
        using var aspp = new Aspp(16, 8, new long[] { 6, 12, 18 });
        var rates = aspp.NamedModules().Where(m => m.Module is Conv2d).Select(m => (m.Name, ((Conv2d)m.Module).Dilation, ((Conv2d)m.Module).Padding)).ToArray();
        Assert.Equal(new[] { ("conv1.1", 1L, 0L), ("conv2.0", 1L, 0L), ("conv3.0", 6L, 6L), ("conv4.0", 12L, 12L), ("conv5.0", 18L, 18L) }, rates);
        Assert.Equal(40, aspp.OutChannels);
    }

    [Fact]
    public void ResNet50MultiplyAddsAtImageNetSizeMatchPyTorch()
    {
        // About 4.09 G multiply-adds, the figure usually quoted for torchvision's ResNet-50.
        var expected = ModelFixtures.Read("shapes.json").GetProperty("resnet50_torchvision_stem_224_macs").GetInt64();
        using var encoder = new ResNet(new ResNetOptions { Depth = 50, DeepStem = false, ReplaceStrideWithDilation = ResNetOptions.DilationForOutputStride(32) });
        encoder.Eval();
        Assert.Equal(expected, MacCounter.Count(encoder, 1, 3, 224, 224));
    }

    [Fact]
    public void MacCounterCountsOneConvByHand()
    {
        // 4 output channels x 8 x 8 positions x 3 input channels x 3 x 3 taps = 6912, times a batch of 2.
        using var conv = new Sequential(new Conv2d(3, 4, 3, padding: 1), new ReLU());
        using var scope = T.NewDisposeScope();
        using var counter = new MacCounter(conv);
        conv.Forward(T.Zeros(new long[] { 2, 3, 8, 8 }));
        Assert.Equal(2 * 6912, counter.Total);
        Assert.Equal(2 * 6912, counter.PerPart["0"]);
    }
}
