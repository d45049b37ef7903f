using SemiSeg.Data;
using SemiSeg.Torch;

namespace SemiSeg.Tests.Data;

/// <summary>Issue 18, item 5: a palette PNG's class indices are read whatever its palette.</summary>
public class PaletteLabelTests
{
    private static byte[] Indices(int height, int width, int classes) =>
        Enumerable.Range(0, height * width).Select(i => (byte)((i * 7 + i / width) % classes)).ToArray();

    /// <summary>A palette that shares no colour with VOC's (except by chance none: every entry has green 7).</summary>
    private static byte[] OwnPalette(int entries) =>
        Enumerable.Range(0, entries).SelectMany(i => new[] { (byte)(255 - i), (byte)7, (byte)(i * 3) }).ToArray();

    [Theory]
    [InlineData(8, 0)]
    [InlineData(8, -1)]   // rows filtered with Sub, Up, Average and Paeth
    [InlineData(4, -1)]
    [InlineData(2, 2)]
    [InlineData(1, 4)]
    public void APalettePngWithItsOwnPaletteReadsAsItsIndices(int bitDepth, int filter)
    {
        using var temp = new TempDirectory();
        var (height, width, classes) = (13, 19, 1 << Math.Min(bitDepth, 4));
        var indices = Indices(height, width, classes);
        var path = Path.Combine(temp.Path, "mask.png");
        PalettePng.Write(path, indices, height, width, OwnPalette(classes), bitDepth, filter);

        var labels = LabelImage.Read(path, allowPaletteColors: true);
        Assert.Equal((height, width, 1), (labels.Height, labels.Width, labels.Channels));
        Assert.Equal(indices, labels.Pixels);
    }

    [Fact]
    public void AFolderDatasetTrainsOnPaletteMasksOfAnyPalette()
    {
        using var temp = new TempDirectory();
        var root = temp.Path;
        Directory.CreateDirectory(Path.Combine(root, FolderDataset.ImageFolder));
        Directory.CreateDirectory(Path.Combine(root, FolderDataset.MaskFolder));
        File.WriteAllLines(Path.Combine(root, FolderDataset.ClassNamesFile), new[] { "ground", "tree", "sky" });
        var indices = Indices(8, 10, 3);
        indices[5] = LabelImage.IgnoreIndex;
        ImageFile.Write(Path.Combine(root, FolderDataset.ImageFolder, "a.png"), new ByteImage(8, 10, 3));
        var palette = OwnPalette(256);
        PalettePng.Write(Path.Combine(root, FolderDataset.MaskFolder, "a.png"), indices, 8, 10, palette);

        var sample = FolderDataset.Open(root).Read(0);
        Assert.Equal(indices, sample.Label.Pixels);
    }

    [Fact]
    public void VocPaletteFilesStillReadAsTheirClasses()
    {
        using var temp = new TempDirectory();
        var indices = Indices(6, 9, 21);
        var path = Path.Combine(temp.Path, "voc.png");
        PalettePng.Write(path, indices, 6, 9, VocPalette.Table);
        Assert.Equal(indices, LabelImage.Read(path, allowPaletteColors: true).Pixels);
    }
}
