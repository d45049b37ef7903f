using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

public class DatasetLayoutTests
{
    [Fact]
    public void VocReadsOfficialSplitAndBothLabelFormatsGiveTheSameIndices()
    {
        using var temp = new TempDirectory();
        var (root, labels) = DataFixtures.WriteVoc(temp.Path);
        var split = temp.Combine("splits", "pascal", "2", "labeled.txt");
        var augmented = VocDataset.Open(root, split);
        var palette = VocDataset.Open(root, split, labelFolder: VocDataset.LabelFolder);
        Assert.Equal(new[] { "2007_000000", "2007_000003" }, augmented.Samples.Select(s => s.Id));
        Assert.Equal(21, augmented.NumClasses);
        for (var i = 0; i < augmented.Count; i++)
        {
            var a = augmented.Read(i);
            var p = palette.Read(i);
            Assert.Equal(labels[a.Id].Pixels, a.Label.Pixels);
            Assert.Equal(labels[a.Id].Pixels, p.Label.Pixels);   // palette colours mapped back, 255 border included
            Assert.Equal((20, 30, 3), (a.Image.Height, a.Image.Width, a.Image.Channels));
        }
        Assert.Contains((byte)255, augmented.Read(0).Label.Pixels);
        // CRLF endings in val.txt are read unchanged.
        Assert.Equal(2, VocDataset.Open(root, temp.Combine("splits", "pascal", "val.txt")).Count);
    }

    [Fact]
    public void VocPaletteMatchesTheOfficialColours()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)0), VocPalette.ColorOf(0));
        Assert.Equal(((byte)128, (byte)0, (byte)0), VocPalette.ColorOf(1));
        Assert.Equal(((byte)64, (byte)128, (byte)128), VocPalette.ColorOf(14));
        Assert.Equal(((byte)0, (byte)64, (byte)128), VocPalette.ColorOf(20));
        Assert.Equal(((byte)224, (byte)224, (byte)192), VocPalette.ColorOf(255));
    }

    [Fact]
    public void CityscapesDerivesTrainIdLabelsAndConvertsLabelIds()
    {
        using var temp = new TempDirectory();
        var (root, split, labelIds) = DataFixtures.WriteCityscapes(temp.Path);
        Assert.Equal("gtFine/train/aachen/aachen_000000_000019_gtFine_labelTrainIds.png",
                     CityscapesDataset.LabelPathFor("leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png"));
        // Without the converted labels the split names missing files.
        var missing = Assert.Throws<DatasetException>(() => CityscapesDataset.Open(root, split));
        Assert.EndsWith("aachen_000000_000019_gtFine_labelTrainIds.png", missing.FilePath);

        Assert.Equal(3, CityscapesLabelIds.ConvertTree(root));
        var dataset = CityscapesDataset.Open(root, split, new DatasetOptions { Scan = DatasetScan.Full });
        Assert.Equal(19, dataset.NumClasses);
        var sample = dataset.Read(2);
        Assert.Equal("frankfurt_000000_000294", sample.Id);
        var ids = labelIds[sample.Id].Pixels;
        // road (7) -> 0, sidewalk (8) -> 1, car (26) -> 13, bicycle (33) -> 18, parking (9) -> ignore.
        for (var p = 0; p < ids.Length; p++)
        {
            var expected = ids[p] switch { 7 => 0, 8 => 1, 26 => 13, 33 => 18, 9 => 255, 0 => 255, _ => -1 };
            if (expected >= 0) Assert.Equal(expected, sample.Label.Pixels[p]);
        }
        Assert.Equal(Enumerable.Range(0, 19).Select(i => (byte)i).Append((byte)255), sample.Label.Pixels.Distinct().Order());
    }

    [Fact]
    public void FolderReadsImagesMasksAndClassNames()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("images"));
        Directory.CreateDirectory(temp.Combine("masks"));
        File.WriteAllText(temp.Combine("classes.txt"), "sky\nsea\nboat\n");
        var mask = new ByteImage(8, 10, 1);
        for (var i = 0; i < mask.Pixels.Length; i++) mask.Pixels[i] = (byte)(i % 4 == 3 ? 255 : i % 3);
        foreach (var stem in new[] { "b", "a" })
        {
            ImageFile.Write(temp.Combine("images", stem + ".png"), DataFixtures.RgbImage(8, 10, 1));
            ImageFile.Write(temp.Combine("masks", stem + ".png"), mask);
        }
        var dataset = FolderDataset.Open(temp.Path);
        Assert.Equal(new[] { "sky", "sea", "boat" }, dataset.ClassNames);
        Assert.Equal(new[] { "a", "b" }, dataset.Samples.Select(s => s.Id));
        Assert.Equal(mask.Pixels, dataset.Read(1).Label.Pixels);
        Assert.Equal(DataFixtures.RgbImage(8, 10, 1).Pixels, dataset.Read(0).Image.Pixels);   // PNG is lossless
    }

    [Fact]
    public void UnlabelledImagesWithoutMasksReadAsAllIgnoreWhenLabelsAreOptional()
    {
        using var temp = new TempDirectory();
        var (root, _) = DataFixtures.WriteVoc(temp.Path, count: 2);
        File.Delete(Path.Combine(root, "SegmentationClassAug", "2007_000001.png"));
        File.WriteAllText(temp.Combine("u.txt"), "2007_000001\n");
        var dataset = VocDataset.Open(root, temp.Combine("u.txt"), new DatasetOptions { LabelsRequired = false });
        Assert.Null(dataset.Samples[0].LabelPath);
        Assert.All(dataset.Read(0).Label.Pixels, v => Assert.Equal(255, v));
    }

    [Fact]
    public void VocSplitLinesMayGiveImageAndLabelPaths()
    {
        using var temp = new TempDirectory();
        var (root, labels) = DataFixtures.WriteVoc(temp.Path, count: 2);
        File.WriteAllText(temp.Combine("pairs.txt"), "JPEGImages/2007_000001.jpg SegmentationClass/2007_000001.png\n");
        var dataset = VocDataset.Open(root, temp.Combine("pairs.txt"));
        Assert.Equal("2007_000001", dataset.Samples[0].Id);
        Assert.Equal(labels["2007_000001"].Pixels, dataset.Read(0).Label.Pixels);
    }
}
