using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

/// <summary>
/// Writes tiny datasets in the exact on-disk layouts of PASCAL VOC 2012 and Cityscapes (and the
/// official U2PL split files), so the loaders are tested on real formats without a download.
/// </summary>
public static class DataFixtures
{
    /// <summary>A label of blocks of VOC classes 0-20 with a 255 border, like VOC's object outlines.</summary>
    public static ByteImage VocLabel(int height, int width, int salt)
    {
        var label = new ByteImage(height, width, 1);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                label[y, x] = y == 0 || x == width - 1 ? (byte)255 : (byte)((x / 5 + y / 4 * 3 + salt) % 21);
        return label;
    }

    public static ByteImage RgbImage(int height, int width, int salt)
    {
        var image = new ByteImage(height, width, 3);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                image[y, x, 0] = (byte)(x * 9 + salt);
                image[y, x, 1] = (byte)(y * 11);
                image[y, x, 2] = (byte)(128 + salt * 7);
            }
        return image;
    }

    /// <summary>
    /// VOC2012/JPEGImages/&lt;id&gt;.jpg, SegmentationClassAug/&lt;id&gt;.png (grey indices) and
    /// SegmentationClass/&lt;id&gt;.png (palette), plus splits/pascal/&lt;n&gt;/labeled.txt, unlabeled.txt
    /// and splits/pascal/val.txt. Returns the VOC2012 root and the labels written.
    /// </summary>
    public static (string Root, Dictionary<string, ByteImage> Labels) WriteVoc(string directory, int count = 6, int height = 20, int width = 30)
    {
        var root = Path.Combine(directory, "VOC2012");
        foreach (var folder in new[] { "JPEGImages", "SegmentationClassAug", "SegmentationClass" })
            Directory.CreateDirectory(Path.Combine(root, folder));
        var labels = new Dictionary<string, ByteImage>();
        var ids = Enumerable.Range(0, count).Select(i => $"2007_{i:D6}").ToArray();
        for (var i = 0; i < count; i++)
        {
            var label = VocLabel(height, width, i);
            labels[ids[i]] = label;
            ImageFile.Write(Path.Combine(root, "JPEGImages", ids[i] + ".jpg"), RgbImage(height, width, i));
            ImageFile.Write(Path.Combine(root, "SegmentationClassAug", ids[i] + ".png"), label);
            PalettePng.Write(Path.Combine(root, "SegmentationClass", ids[i] + ".png"), label.Pixels, height, width, VocPalette.Table);
        }
        var splits = Path.Combine(directory, "splits", "pascal");
        // U2PL's files: ids with '\n' endings; the last line without one, as in its 92/labeled.txt.
        Directory.CreateDirectory(Path.Combine(splits, "2"));
        var second = Math.Min(3, count - 1);
        File.WriteAllText(Path.Combine(splits, "2", "labeled.txt"), $"{ids[0]}\n{ids[second]}");
        File.WriteAllText(Path.Combine(splits, "2", "unlabeled.txt"), string.Join("\n", ids.Where((_, i) => i != 0 && i != second)) + "\n");
        File.WriteAllText(Path.Combine(splits, "val.txt"), string.Join("\r\n", ids.Take(2)) + "\r\n");
        return (root, labels);
    }

    /// <summary>Cityscapes' leftImg8bit/&lt;split&gt;/&lt;city&gt;/..._leftImg8bit.png with gtFine ..._labelIds.png
    /// and ..._labelTrainIds.png, and a split file of image paths. Returns the root and the split file.</summary>
    public static (string Root, string SplitFile, Dictionary<string, ByteImage> LabelIds) WriteCityscapes(string directory, int height = 16, int width = 32)
    {
        var root = Path.Combine(directory, "cityscapes");
        var entries = new List<string>();
        var labelIds = new Dictionary<string, ByteImage>();
        var names = new[] { ("train", "aachen", "aachen_000000_000019"), ("train", "bremen", "bremen_000001_000019"), ("val", "frankfurt", "frankfurt_000000_000294") };
        for (var i = 0; i < names.Length; i++)
        {
            var (split, city, name) = names[i];
            var imageEntry = $"leftImg8bit/{split}/{city}/{name}_leftImg8bit.png";
            Directory.CreateDirectory(Path.Combine(root, "leftImg8bit", split, city));
            Directory.CreateDirectory(Path.Combine(root, "gtFine", split, city));
            ImageFile.Write(Path.Combine(root, imageEntry), RgbImage(height, width, i));
            var ids = new ByteImage(height, width, 1);
            for (var p = 0; p < ids.Pixels.Length; p++) ids.Pixels[p] = (byte)((p + i) % 34);
            labelIds[name] = ids;
            ImageFile.Write(Path.Combine(root, "gtFine", split, city, name + "_gtFine_labelIds.png"), ids);
            entries.Add(imageEntry);
        }
        var splitFile = Path.Combine(directory, "splits", "cityscapes", "val.txt");
        SplitFile.Write(splitFile, entries);
        return (root, splitFile, labelIds);
    }
}
