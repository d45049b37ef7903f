using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

/// <summary>iMAS's intensity operations against PIL (fixtures by tools/imas_intensity_reference.py).</summary>
public class IntensityOpsTests
{
    private static ByteImage Fixture(string name) => ImageFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "imas", name + ".png"));

    public static TheoryData<string, int> Cases => new()
    {
        { "autocontrast", 1 }, { "equalize", 0 }, { "invert", 0 }, { "posterize_5", 0 }, { "solarize_100", 0 },
        { "contrast_0.4", 1 }, { "brightness_0.6", 1 }, { "color_0.3", 1 }, { "sharpness_0.2", 1 }, { "hue_40", 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPil(string name, int tolerance)
    {
        var input = Fixture("input");
        var result = name switch
        {
            "autocontrast" => IntensityOps.AutoContrast(input),
            "equalize" => IntensityOps.Equalize(input),
            "invert" => IntensityOps.Invert(input),
            "posterize_5" => IntensityOps.Posterize(input, 5),
            "solarize_100" => IntensityOps.Solarize(input, 100),
            "contrast_0.4" => IntensityOps.Contrast(input, 0.4),
            "brightness_0.6" => IntensityOps.Brightness(input, 0.6),
            "color_0.3" => IntensityOps.Color(input, 0.3),
            "sharpness_0.2" => IntensityOps.Sharpness(input, 0.2),
            "hue_40" => IntensityOps.Hue(input, 40),
            _ => throw new ArgumentException(name),
        };
        var expected = Fixture(name);
        var worst = expected.Pixels.Zip(result.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= tolerance, $"{name}: largest difference from PIL {worst} > {tolerance}");
    }

    [Fact]
    public void EqualizeOfTwoLevelsSpreadsThemToTheEnds()
    {
        // PIL: 300 pixels at 10 and 300 at 200 -> step (600 - 300) // 255 = 1, so 10 -> 0 and 200 -> 255 (clipped).
        var image = new ByteImage(20, 30, 3);
        for (var i = 0; i < 600; i++) image.Pixels[3 * i] = image.Pixels[3 * i + 1] = image.Pixels[3 * i + 2] = (byte)(i < 300 ? 10 : 200);
        var result = IntensityOps.Equalize(image);
        Assert.Equal(0, result.Pixels[0]);
        Assert.Equal(255, result.Pixels[3 * 599]);
    }

    [Fact]
    public void RandomDrawsAreRepeatableAndKeepTheSize()
    {
        var input = Fixture("input");
        var a = IntensityAugment.Apply(input, 3, new DeterministicRandom(11));
        var b = IntensityAugment.Apply(input, 3, new DeterministicRandom(11));
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal((input.Height, input.Width, 3), (a.Height, a.Width, a.Channels));
        foreach (var op in Enum.GetValues<IntensityOp>())
            Assert.Equal(input.Pixels.Length, IntensityAugment.Apply(input, op, new DeterministicRandom(1)).Pixels.Length);
    }
}
