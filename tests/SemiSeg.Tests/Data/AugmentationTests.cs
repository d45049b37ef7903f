using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

public class AugmentationTests
{
    private const int Block = 6;

    /// <summary>Image colour encodes the block (R from the block column, G from the row); the label is a function of the block.</summary>
    private static SegmentationSample PositionCoded(int height = 42, int width = 60)
    {
        var image = new ByteImage(height, width, 3);
        var label = new ByteImage(height, width, 1);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                image[y, x, 0] = (byte)(30 + 20 * (x / Block));
                image[y, x, 1] = (byte)(30 + 25 * (y / Block));
                image[y, x, 2] = 100;
                label[y, x] = LabelOf(x / Block, y / Block);
            }
        return new SegmentationSample("coded", image, label);
    }

    private static byte LabelOf(int blockX, int blockY) => (byte)((blockY * 10 + blockX) % 20);

    private static double Denormalize(AugmentedSample s, AugmentationOptions o, int c, int y, int x) =>
        s.Image[(c * s.Height + y) * s.Width + x] * o.Std[c] + o.Mean[c];

    [Fact]
    public void ImageAndLabelStayAlignedThroughRescaleFlipAndCrop()
    {
        var options = AugmentationOptions.Training(48) with { GaussianBlur = false };
        var transform = new SegmentationTransform(options);
        var sample = PositionCoded();
        var checkedPixels = 0;
        for (var seed = 0; seed < 24; seed++)
        {
            var result = transform.Apply(sample, new DeterministicRandom((ulong)seed));
            Assert.Equal((48, 48), (result.Height, result.Width));
            for (var y = 2; y < 46; y++)
                for (var x = 2; x < 46; x++)
                {
                    var l = result.Label[y * 48 + x];
                    if (l == 255 || !UniformAround(result.Label, 48, y, x)) continue;
                    // An interior pixel: its colour names its block, whose label it must carry.
                    double r = Denormalize(result, options, 0, y, x), g = Denormalize(result, options, 1, y, x);
                    int bx = (int)Math.Round((r - 30) / 20), by = (int)Math.Round((g - 30) / 25);
                    Assert.InRange(r - (30 + 20 * bx), -2.0, 2.0);
                    Assert.InRange(g - (30 + 25 * by), -2.0, 2.0);
                    Assert.Equal(LabelOf(bx, by), l);
                    checkedPixels++;
                }
        }
        Assert.True(checkedPixels > 3000, $"only {checkedPixels} interior pixels checked");
    }

    /// <summary>True when the 5x5 label neighbourhood is one value: then every source pixel the
    /// bilinear image sample blends (at scales in [0.5, 2]) lies in the same block.</summary>
    private static bool UniformAround(byte[] label, int width, int y, int x)
    {
        var v = label[y * width + x];
        for (var dy = -2; dy <= 2; dy++)
            for (var dx = -2; dx <= 2; dx++)
                if (label[(y + dy) * width + x + dx] != v) return false;
        return true;
    }

    [Fact]
    public void PaddingIsZeroInTheImageExactlyWhereTheLabelIsIgnore()
    {
        var transform = new SegmentationTransform(AugmentationOptions.Training(64));
        var sample = PositionCoded(30, 40);   // smaller than the crop at every scale below ~2
        var padded = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var result = transform.Apply(sample, new DeterministicRandom((ulong)seed));
            var plane = result.Height * result.Width;
            for (var i = 0; i < plane; i++)
            {
                var zero = result.Image[i] == 0 && result.Image[plane + i] == 0 && result.Image[2 * plane + i] == 0;
                Assert.Equal(result.Label[i] == 255, zero);
                if (zero) padded++;
            }
        }
        Assert.True(padded > 0);
    }

    [Fact]
    public void LabelsOnlyTakeInputValuesOrIgnore()
    {
        var sample = PositionCoded();
        var values = new byte[] { 2, 9, 17 };
        for (var i = 0; i < sample.Label.Pixels.Length; i++) sample.Label.Pixels[i] = values[sample.Label.Pixels[i] % 3];
        var transform = new SegmentationTransform(AugmentationOptions.Training(50) with { GaussianBlur = true, RandResize = (0.5, 2.0) });
        var seen = new HashSet<byte>();
        for (var seed = 0; seed < 20; seed++)
            foreach (var v in transform.Apply(sample, new DeterministicRandom((ulong)seed)).Label) seen.Add(v);
        Assert.Subset(new HashSet<byte> { 2, 9, 17, 255 }, seen);
        Assert.Superset(new HashSet<byte> { 2, 9, 17 }, seen);
    }

    [Fact]
    public void CenterCropTakesTheMiddleWindowAndNormalises()
    {
        var options = AugmentationOptions.Validation(20);
        var sample = PositionCoded();
        var result = new SegmentationTransform(options).Apply(sample, new DeterministicRandom(0));
        int top = (42 - 20) / 2, left = (60 - 20) / 2;
        for (var y = 0; y < 20; y++)
            for (var x = 0; x < 20; x++)
            {
                Assert.Equal(sample.Label[top + y, left + x], result.Label[y * 20 + x]);
                var expected = (float)((sample.Image[top + y, left + x, 0] - options.Mean[0]) / options.Std[0]);
                Assert.Equal(expected, result.Image[y * 20 + x], 5);
            }
        var full = new SegmentationTransform(AugmentationOptions.Validation(null)).Apply(sample, new DeterministicRandom(0));
        Assert.Equal((42, 60), (full.Height, full.Width));
        Assert.Equal(sample.Label.Pixels, full.Label);
    }

    [Fact]
    public void SameGeneratorSeedGivesTheSameSample()
    {
        var transform = new SegmentationTransform(AugmentationOptions.Training(32) with { IntensityOps = 2 });
        var sample = PositionCoded();
        var a = transform.Apply(sample, new DeterministicRandom(5), strong: true);
        var b = transform.Apply(sample, new DeterministicRandom(5), strong: true);
        var c = transform.Apply(sample, new DeterministicRandom(6), strong: true);
        Assert.Equal(a.Image, b.Image);
        Assert.Equal(a.StrongImage, b.StrongImage);
        Assert.Equal(a.Label, b.Label);
        Assert.NotEqual(a.Image, c.Image);
    }

    [Fact]
    public void RescaleDrawsFollowU2pl()
    {
        var random = new DeterministicRandom(1);
        var scales = Enumerable.Range(0, 4000).Select(_ => SegmentationTransform.DrawScale(random, 0.5, 2.0)).ToArray();
        Assert.All(scales, s => Assert.InRange(s, 0.5, 2.0));
        // Half shrink (uniform in [0.5, 1)), half enlarge (uniform in [1, 2)).
        Assert.InRange(scales.Count(s => s < 1), 1850, 2150);
        Assert.InRange(scales.Where(s => s >= 1).Average(), 1.45, 1.55);
    }

    [Fact]
    public void U2plBlurKernelIsNormalisedSymmetricAndKeepsTheMeanColour()
    {
        var k = GaussianBlur.Kernel1D;
        Assert.Equal(5, k.Count);
        Assert.Equal(1.0, k.Sum(), 12);
        Assert.Equal(k[0], k[4], 12);
        Assert.Equal(k[1], k[3], 12);
        Assert.True(k[2] > k[1] && k[1] > k[0]);
        var mean = new double[] { 124, 116, 104 };
        var flat = new ByteImage(7, 9, 3);
        for (var i = 0; i < flat.Pixels.Length; i++) flat.Pixels[i] = (byte)mean[i % 3];
        Assert.Equal(flat.Pixels, GaussianBlur.Apply(flat, mean).Pixels);
    }

    [Fact]
    public void U2plBlurKernelMatchesScipysDefinition()
    {
        // Written by tools/u2pl_blur_kernel.py (scipy's gaussian_filter rebuilt with numpy).
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "u2pl", "blur_kernel.txt"))
                           .Select(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var k = GaussianBlur.Kernel1D;
        for (var i = 0; i < 25; i++) Assert.Equal(expected[i], k[i / 5] * k[i % 5], 12);
    }
}
