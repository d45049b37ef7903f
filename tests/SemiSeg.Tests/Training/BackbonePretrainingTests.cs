using SemiSeg.Data;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

public class BackbonePretrainingTests
{
    private static FashionMnist Garments()
    {
        var random = new Random(3);
        var glyphs = new byte[12 * FashionMnist.GlyphSize * FashionMnist.GlyphSize];
        random.NextBytes(glyphs);
        return new FashionMnist(glyphs, Enumerable.Range(0, 12).Select(i => (byte)(i % 10)).ToArray());
    }

    [Fact]
    public void TheRotationTaskTurnsTheSameScenesAndLabelsTheTurns()
    {
        var garments = Garments();
        var classes = new BackbonePretraining.Options { BatchSize = 6, Size = 32, Seed = 5 };
        var rotation = classes with { Task = "rotation" };
        var mean = new[] { 0.0, 0.0, 0.0 };
        var std = new[] { 1.0, 1.0, 1.0 };
        var (plain, garmentClasses) = BackbonePretraining.Batch(garments, BackbonePretraining.SceneOptions(classes), classes, 1, mean, std);
        var (turned, turns) = BackbonePretraining.Batch(garments, BackbonePretraining.SceneOptions(rotation), rotation, 1, mean, std);

        Assert.All(garmentClasses, c => Assert.InRange(c, 0, 9));
        Assert.Equal(new long[] { 2, 3, 0, 1, 2, 3 }, turns);   // (step 1 x 6 + i) mod 4
        const int n = 32, plane = n * n;
        for (var i = 0; i < 6; i++)
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < n; y++)
                    for (var x = 0; x < n; x++)
                    {
                        // np.rot90(image, k): k counter-clockwise quarter turns.
                        var (sy, sx) = turns[i] switch
                        {
                            0 => (y, x),
                            1 => (x, n - 1 - y),
                            2 => (n - 1 - y, n - 1 - x),
                            _ => (n - 1 - x, y),
                        };
                        Assert.Equal(plain[(i * 3 + c) * plane + sy * n + sx], turned[(i * 3 + c) * plane + y * n + x]);
                    }
        Assert.Equal(4, rotation.OutputCount);
        Assert.Equal(10, classes.OutputCount);
        Assert.Throws<ArgumentException>(() => (classes with { Task = "jigsaw" }).OutputCount);
    }
}
