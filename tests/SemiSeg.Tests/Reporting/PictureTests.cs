using SemiSeg.Reporting;

namespace SemiSeg.Tests.Reporting;

public sealed class PictureTests
{
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(1, 128, 0, 0)]       // VOC aeroplane
    [InlineData(2, 0, 128, 0)]
    [InlineData(3, 128, 128, 0)]
    [InlineData(4, 0, 0, 128)]
    [InlineData(15, 192, 128, 128)]  // VOC person
    [InlineData(20, 0, 64, 128)]     // VOC tvmonitor
    [InlineData(255, 224, 224, 192)] // VOC border
    public void PaletteIsTheVocColourMap(int label, byte r, byte g, byte b) =>
        Assert.Equal(new Rgb(r, g, b), LabelPalette.ColorOf(label));

    [Fact]
    public void PaletteColoursAreDistinct() =>
        Assert.Equal(256, Enumerable.Range(0, 256).Select(LabelPalette.ColorOf).Distinct().Count());

    [Fact]
    public void ColorizeDrawsClassesAndHatchesIgnore()
    {
        var image = LabelPalette.Colorize(FakeRun.Truth(), FakeRun.Height, FakeRun.Width);
        Assert.Equal(new Rgb(128, 0, 0), image[3, 1]);
        Assert.Equal(new Rgb(0, 128, 0), image[3, 6]);
        // Row 0 is ignored: grey on the diagonals x + y = 0 mod 4, white elsewhere.
        Assert.Equal(LabelPalette.HatchColor, image[0, 0]);
        Assert.Equal(LabelPalette.HatchColor, image[0, 4]);
        Assert.Equal(Rgb.White, image[0, 1]);
        Assert.Equal(Rgb.White, image[0, 3]);
    }

    [Fact]
    public void ColorizeRejectsLabelsOutsideThePalette()
    {
        var labels = FakeRun.Truth();
        labels[2 * FakeRun.Width + 5] = 300;
        var error = Assert.Throws<ArgumentException>(() => LabelPalette.Colorize(labels, FakeRun.Height, FakeRun.Width));
        Assert.Contains("label 300 at pixel (2, 5)", error.Message);
        Assert.Throws<ArgumentException>(() => LabelPalette.Colorize(new int[5], 2, 3));
    }

    [Fact]
    public void OverlayBlendsLabelColourAndKeepsIgnoredPixels()
    {
        var picture = RgbImage.Filled(2, 2, new Rgb(100, 100, 100));
        var overlay = LabelPalette.Overlay(picture, new[] { 1, 255, 2, 0 }, 0.5);
        Assert.Equal(new Rgb(114, 50, 50), overlay[0, 0]);   // (100 + 128) / 2 = 114, 100 / 2 = 50
        Assert.Equal(new Rgb(100, 100, 100), overlay[0, 1]);
        Assert.Equal(new Rgb(50, 114, 50), overlay[1, 0]);
    }

    [Fact]
    public void ViridisRunsFromDarkPurpleToYellowWithRisingLuminance()
    {
        Assert.Equal(new Rgb(68, 1, 84), HeatMap.ColorOf(0));
        Assert.Equal(new Rgb(33, 145, 140), HeatMap.ColorOf(128 / 255.0));
        Assert.Equal(new Rgb(253, 231, 37), HeatMap.ColorOf(1));
        Assert.Equal(HeatMap.ColorOf(0), HeatMap.ColorOf(-3));
        // Relative luminance (sRGB linearised) rises along the map: brighter means larger.
        var luminance = Enumerable.Range(0, 64).Select(i => Luminance(HeatMap.ColorOf(i / 63.0))).ToList();
        for (var i = 1; i < luminance.Count; i++) Assert.True(luminance[i] > luminance[i - 1], $"luminance falls at step {i}");
    }

    [Fact]
    public void HeatMapScalesValuesIntoTheRange()
    {
        var image = HeatMap.Render(new[] { 0f, 1f, 2f, float.NaN }, 2, 2, 0, 2);
        Assert.Equal(HeatMap.ColorOf(0), image[0, 0]);
        Assert.Equal(HeatMap.ColorOf(0.5), image[0, 1]);
        Assert.Equal(HeatMap.ColorOf(1), image[1, 0]);
        Assert.Equal(HeatMap.MissingColor, image[1, 1]);
        Assert.Throws<ArgumentException>(() => HeatMap.Render(new float[4], 2, 2, 1, 1));
    }

    [Fact]
    public void FromNormalizedUndoesTheDataPipelineNormalisation()
    {
        double[] mean = { 123.675, 116.28, 103.53 }, std = { 58.395, 57.12, 57.375 };
        byte[] original = { 0, 128, 255, 17, 200, 3 };   // two pixels, RGB
        var chw = new float[6];
        for (var p = 0; p < 2; p++)
            for (var c = 0; c < 3; c++) chw[c * 2 + p] = (float)((original[p * 3 + c] - mean[c]) / std[c]);
        var image = RgbImage.FromNormalized(chw, 1, 2, mean, std);
        Assert.Equal(original, image.Pixels);
    }

    [Fact]
    public void GridPlacesCellsByColumnWidthAndRowHeight()
    {
        var red = RgbImage.Filled(3, 4, new Rgb(255, 0, 0));
        var blue = RgbImage.Filled(5, 2, new Rgb(0, 0, 255));
        var grid = ImageGrid.Compose(new[] { new RgbImage?[] { red, blue }, new RgbImage?[] { null, red } }, gap: 2);
        // Columns at least 16 wide, rows at least 16 tall: 2 + 16 + 2 + 16 + 2 = 38 both ways.
        Assert.Equal(38, grid.Width);
        Assert.Equal(38, grid.Height);
        Assert.Equal(new Rgb(255, 0, 0), grid[2, 2]);
        Assert.Equal(Rgb.White, grid[2, 2 + 4]);          // right of the 4-wide red cell
        Assert.Equal(new Rgb(0, 0, 255), grid[2 + 4, 20]);
        Assert.Equal(LabelPalette.HatchColor, grid[20, 2]); // the missing cell is hatched from its corner
        Assert.Equal(new Rgb(255, 0, 0), grid[20, 20]);
    }

    private static double Luminance(Rgb c)
    {
        static double Linear(byte v) { var s = v / 255.0; return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4); }
        return 0.2126 * Linear(c.R) + 0.7152 * Linear(c.G) + 0.0722 * Linear(c.B);
    }
}
