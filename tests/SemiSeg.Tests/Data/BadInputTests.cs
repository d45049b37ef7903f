using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

/// <summary>Each kind of bad input gives one error naming the file and the fault.</summary>
public class BadInputTests
{
    private static (TempDirectory Temp, string Root, string Split) Voc()
    {
        var temp = new TempDirectory();
        var (root, _) = DataFixtures.WriteVoc(temp.Path, count: 3);
        var split = temp.Combine("split.txt");
        File.WriteAllText(split, "2007_000000\n2007_000001\n2007_000002\n");
        return (temp, root, split);
    }

    [Fact]
    public void MissingImageNamedBySplitLineFailsAtOpen()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        File.AppendAllText(split, "2008_999999\n");
        var error = Assert.Throws<DatasetException>(() => VocDataset.Open(root, split));
        Assert.EndsWith("JPEGImages/2008_999999.jpg", error.FilePath);
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("split.txt line 4", error.Message);
    }

    [Fact]
    public void MissingLabelFailsAtOpen()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        File.Delete(Path.Combine(root, "SegmentationClassAug", "2007_000001.png"));
        var error = Assert.Throws<DatasetException>(() => VocDataset.Open(root, split));
        Assert.EndsWith("SegmentationClassAug/2007_000001.png", error.FilePath);
        Assert.Contains("label file does not exist", error.Message);
    }

    [Fact]
    public void TruncatedJpegFailsAtReadOrAtOpenWithAHeaderScan()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        var path = Path.Combine(root, "JPEGImages", "2007_000002.jpg");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        var dataset = VocDataset.Open(root, split);   // the default scan only checks files exist
        var atRead = Assert.Throws<DatasetException>(() => dataset.Read(2));
        Assert.Equal(path, atRead.FilePath);
        Assert.Contains("truncated JPEG", atRead.Message);
        var atOpen = Assert.Throws<DatasetException>(() => VocDataset.Open(root, split, new DatasetOptions { Scan = DatasetScan.Headers }));
        Assert.Equal(path, atOpen.FilePath);
    }

    [Fact]
    public void TruncatedAndUnreadableLabelsFail()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        var truncated = Path.Combine(root, "SegmentationClassAug", "2007_000000.png");
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..60]);
        var garbage = Path.Combine(root, "SegmentationClassAug", "2007_000001.png");
        File.WriteAllText(garbage, "this is not a PNG file at all, only text");
        var dataset = VocDataset.Open(root, split);
        var e0 = Assert.Throws<DatasetException>(() => dataset.Read(0));
        Assert.Equal(truncated, e0.FilePath);
        Assert.Contains("truncated PNG", e0.Message);
        var e1 = Assert.Throws<DatasetException>(() => dataset.Read(1));
        Assert.Equal(garbage, e1.FilePath);
        Assert.Contains("unreadable", e1.Message);
    }

    [Fact]
    public void ImageAndLabelOfDifferentSizesFail()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        var label = Path.Combine(root, "SegmentationClassAug", "2007_000001.png");
        ImageFile.Write(label, DataFixtures.VocLabel(20, 31, 0));
        var atOpen = Assert.Throws<DatasetException>(() => VocDataset.Open(root, split, new DatasetOptions { Scan = DatasetScan.Headers }));
        Assert.Equal(label, atOpen.FilePath);
        Assert.Contains("label is 20x31 (HxW) but its image", atOpen.Message);
        Assert.Contains("is 20x30", atOpen.Message);
        var atRead = Assert.Throws<DatasetException>(() => VocDataset.Open(root, split).Read(1));
        Assert.Equal(atOpen.Message, atRead.Message);
    }

    [Fact]
    public void LabelValueOutsideTheClassesFailsNamingValueAndPixel()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        var bad = DataFixtures.VocLabel(20, 30, 2);
        bad[7, 11] = 21;   // VOC has classes 0-20
        var path = Path.Combine(root, "SegmentationClassAug", "2007_000002.png");
        ImageFile.Write(path, bad);
        var error = Assert.Throws<DatasetException>(() => VocDataset.Open(root, split).Read(2));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("label value 21 at row 7, column 11 is outside [0, 21) and is not the ignore value 255", error.Message);
        // A full scan finds it at open.
        Assert.Throws<DatasetException>(() => VocDataset.Open(root, split, new DatasetOptions { Scan = DatasetScan.Full }));
    }

    [Fact]
    public void PaletteColourOutsideTheVocPaletteFails()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        var path = Path.Combine(root, "SegmentationClass", "2007_000000.png");
        var colours = new ByteImage(20, 30, 3);
        colours[3, 4, 0] = 1;   // (1, 0, 0) is no VOC class colour
        ImageFile.Write(path, colours);
        var dataset = VocDataset.Open(root, split, labelFolder: VocDataset.LabelFolder);
        var error = Assert.Throws<DatasetException>(() => dataset.Read(0));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("colour (1, 0, 0) at row 3, column 4 is not in the VOC palette", error.Message);
    }

    [Fact]
    public void BadSamplesAreSkippedOnlyWhenAsked()
    {
        var (temp, root, split) = Voc();
        using var _ = temp;
        var bad = DataFixtures.VocLabel(20, 30, 1);
        bad[0, 0] = 200;
        ImageFile.Write(Path.Combine(root, "SegmentationClassAug", "2007_000001.png"), bad);
        File.AppendAllText(split, "2008_999999\n");
        var dataset = VocDataset.Open(root, split, new DatasetOptions { Scan = DatasetScan.Full, SkipBadSamples = true });
        Assert.Equal(new[] { "2007_000000", "2007_000002" }, dataset.Samples.Select(s => s.Id));
        Assert.Equal(2, dataset.Skipped.Count);
        Assert.Contains(dataset.Skipped, m => m.Contains("label value 200"));
        Assert.Contains(dataset.Skipped, m => m.Contains("2008_999999.jpg") && m.Contains("does not exist"));
    }

    [Fact]
    public void MalformedSplitFilesFail()
    {
        using var temp = new TempDirectory();
        var (root, _, _) = DataFixtures.WriteCityscapes(temp.Path);
        var split = temp.Combine("bad.txt");
        File.WriteAllText(split, "leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png\naachen.png\n");
        var error = Assert.Throws<DatasetException>(() => CityscapesDataset.Open(root, split));
        Assert.Equal(split, error.FilePath);
        Assert.Contains("line 2 'aachen.png' is not a Cityscapes image path", error.Message);
        File.WriteAllText(split, "\n  \n");
        Assert.Contains("lists no samples", Assert.Throws<DatasetException>(() => SplitFile.Read(split)).Message);
        Assert.Contains("split file does not exist", Assert.Throws<DatasetException>(() => SplitFile.Read(temp.Combine("none.txt"))).Message);
    }

    [Fact]
    public void CityscapesIdOutsideTheTableFailsConversion()
    {
        using var temp = new TempDirectory();
        var (root, _, _) = DataFixtures.WriteCityscapes(temp.Path);
        var path = Path.Combine(root, "gtFine", "train", "aachen", "aachen_000000_000019_gtFine_labelIds.png");
        var ids = new ByteImage(16, 32, 1);
        ids[2, 5] = 40;
        ImageFile.Write(path, ids);
        var error = Assert.Throws<DatasetException>(() => CityscapesLabelIds.ConvertTree(root));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("label id 40 at row 2, column 5 is not a Cityscapes id", error.Message);
    }
}
