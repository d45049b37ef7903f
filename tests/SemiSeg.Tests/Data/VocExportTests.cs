using SemiSeg.Data;
using SemiSeg.Torch;

namespace SemiSeg.Tests.Data;

public class VocExportTests
{
    private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    [Fact]
    public void FashionScenesExportHasTheOfficialLayoutAndReadsBackUnchanged()
    {
        using var source = new TempDirectory();
        using var output = new TempDirectory();
        FashionScenesTests.BuildTiny(source.Path, seed: 3, train: 10, val: 4);
        var report = VocExport.Export(source.Path, output.Path);
        Assert.Equal(14, report.Samples);
        Assert.Equal(0, report.WithoutMask);

        // Every source list, same relative path below splits/pascal, same lines (base.py: one id per line).
        var sourceLists = Directory.EnumerateFiles(source.Combine("splits"), "*.txt", SearchOption.AllDirectories)
                                   .Select(p => Path.GetRelativePath(source.Combine("splits"), p)).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("val.txt", sourceLists);
        Assert.Contains(Path.Combine("1", "labeled.txt"), sourceLists);
        Assert.Equal(sourceLists, report.Lists.Select(l => Path.GetRelativePath(VocExport.SplitFolder, l.List)));
        foreach (var list in sourceLists)
            Assert.Equal(File.ReadAllText(source.Combine("splits", list)), File.ReadAllText(output.Combine("splits", "pascal", list)));
        Assert.Equal(File.ReadAllText(source.Combine("classes.txt")), File.ReadAllText(output.Combine("classes.txt")));
        Assert.StartsWith("VOC export of ", File.ReadAllLines(output.Combine(VocExport.DescriptionFile))[0]);

        // Exactly the official file names; no temporary files left.
        var ids = File.ReadAllLines(source.Combine("splits", "train.txt")).Concat(File.ReadAllLines(source.Combine("splits", "val.txt"))).ToArray();
        Assert.Equal(ids.Select(id => id + ".jpg").Order(StringComparer.Ordinal),
                     Directory.GetFiles(output.Combine("JPEGImages")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(ids.Select(id => id + ".png").Order(StringComparer.Ordinal),
                     Directory.GetFiles(output.Combine("SegmentationClassAug")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Through our VOC reader: the same pixels and class indices as the folder dataset, lossless.
        foreach (var split in new[] { "val.txt", Path.Combine("1", "unlabeled.txt") })
        {
            var original = FolderDataset.Open(source.Path, source.Combine("splits", split));
            var exported = VocDataset.Open(output.Path, output.Combine("splits", "pascal", split));
            Assert.Equal(original.Samples.Select(s => s.Id), exported.Samples.Select(s => s.Id));
            for (var i = 0; i < original.Count; i++)
            {
                var a = original.Read(i);
                var b = exported.Read(i);
                Assert.Equal(a.Image.Pixels, b.Image.Pixels);
                Assert.Equal(a.Label.Pixels, b.Label.Pixels);
                Assert.Contains(a.Label.Pixels, v => v != 0 && v != 255);
                Assert.Equal(PngSignature, File.ReadAllBytes(VocExport.ImagePath(output.Path, a.Id))[..8]);   // PNG bytes under the .jpg name
                Assert.Equal(1, ImageFile.Read(VocExport.LabelPath(output.Path, a.Id), ImageReadMode.Unchanged).Channels);
            }
        }

        // A second export replaces the first.
        Assert.Equal(14, VocExport.Export(source.Path, output.Path).Samples);
    }

    [Fact]
    public void ImagesWithoutMasksGetAllIgnoreMasksAndBadInputIsNamed()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("folder");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        File.WriteAllText(Path.Combine(root, "classes.txt"), "background\nthing\n");
        ImageFile.Write(Path.Combine(root, "images", "a.png"), DataFixtures.RgbImage(6, 8, 1));
        ImageFile.Write(Path.Combine(root, "images", "b.png"), DataFixtures.RgbImage(6, 8, 2));
        var mask = new ByteImage(6, 8, 1);
        mask.Pixels[5] = 1;
        ImageFile.Write(Path.Combine(root, "masks", "a.png"), mask);

        // No splits folder: every image, listed in splits/pascal/all.txt.
        var output = temp.Combine("voc");
        var report = VocExport.Export(root, output);
        Assert.Equal((2, 1), (report.Samples, report.WithoutMask));
        var exported = VocDataset.Open(output, Path.Combine(output, "splits", "pascal", "all.txt"));
        Assert.Equal(mask.Pixels, exported.Read(0).Label.Pixels);
        Assert.All(exported.Read(1).Label.Pixels, v => Assert.Equal(255, v));

        // A list naming a missing image: one error naming the list and line.
        var lists = temp.Combine("lists");
        Directory.CreateDirectory(lists);
        File.WriteAllText(Path.Combine(lists, "val.txt"), "a\nmissing\n");
        var error = Assert.Throws<DatasetException>(() => VocExport.Export(root, output, lists));
        Assert.Contains("val.txt line 2", error.Message);

        // A folder with VOC folders that no export wrote is refused, not emptied.
        var foreign = temp.Combine("foreign");
        Directory.CreateDirectory(Path.Combine(foreign, "JPEGImages"));
        var refused = Assert.Throws<ArgumentException>(() => VocExport.Export(root, foreign));
        Assert.Contains("JPEGImages/", refused.Message);
        Assert.True(Directory.Exists(Path.Combine(foreign, "JPEGImages")));
    }
}
