using System.Buffers.Binary;
using System.IO.Compression;
using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

public class FashionScenesTests
{
    /// <summary>A garment pool of one class: a filled square with a soft edge (the anti-aliased band).</summary>
    private static FashionMnist Pool(byte label, int count = 5)
    {
        var glyphs = new byte[count * 28 * 28];
        for (var n = 0; n < count; n++)
            for (var y = 0; y < 28; y++)
                for (var x = 0; x < 28; x++)
                {
                    var inset = Math.Min(Math.Min(x, 27 - x), Math.Min(y, 27 - y));
                    glyphs[n * 784 + y * 28 + x] = (byte)Math.Clamp((inset - 3) * 60 + n * 3, 0, 255);
                }
        return new FashionMnist(glyphs, Enumerable.Repeat(label, count).ToArray());
    }

    /// <summary>A tiny build from synthetic pools: train garments are class 1 (T-shirt), val garments class 10 (ankle boot).</summary>
    internal static FashionScenesReport BuildTiny(string directory, ulong seed, int train = 6, int val = 3) =>
        FashionScenes.Build(directory, new FashionScenesOptions { Seed = seed, Size = 48, TrainScenes = train, ValScenes = val },
                            Pool(0), Pool(9));

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                 .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    [Fact]
    public void SameSeedGivesByteIdenticalFilesAndAnotherSeedDiffers()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var c = new TempDirectory();
        BuildTiny(a.Path, seed: 5);
        BuildTiny(b.Path, seed: 5);
        BuildTiny(c.Path, seed: 6);
        var fa = Files(a.Path);
        var fb = Files(b.Path);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        Assert.All(fa, f => Assert.Equal(f.Value, fb[f.Key]));
        Assert.Contains("images/train_00005.png", fa.Keys);
        Assert.Contains("splits/3/labeled.txt", fa.Keys);   // 1/2 of 6
        var fc = Files(c.Path);
        Assert.Contains(fa.Keys.Where(k => k.StartsWith("images/")), k => !fa[k].SequenceEqual(fc[k]));
    }

    [Fact]
    public void TrainScenesUseTrainGarmentsAndValScenesTestGarments()
    {
        using var temp = new TempDirectory();
        var report = BuildTiny(temp.Path, seed: 2);
        var train = FolderDataset.Open(temp.Path, temp.Combine("splits", "train.txt"), new DatasetOptions { Scan = DatasetScan.Full });
        var val = FolderDataset.Open(temp.Path, temp.Combine("splits", "val.txt"), new DatasetOptions { Scan = DatasetScan.Full });
        Assert.Equal(11, train.NumClasses);
        Assert.Equal("Ankle boot", train.ClassNames[10]);
        var trainValues = Enumerable.Range(0, train.Count).SelectMany(i => train.Read(i).Label.Pixels).ToHashSet();
        var valValues = Enumerable.Range(0, val.Count).SelectMany(i => val.Read(i).Label.Pixels).ToHashSet();
        Assert.Equal(new HashSet<byte> { 0, 1, 255 }, trainValues);
        Assert.Equal(new HashSet<byte> { 0, 10, 255 }, valValues);
        Assert.Equal(6 * 48 * 48, report.TrainPixels.Sum());
        Assert.True(report.TrainPixels[1] > 0 && report.TrainPixels[11] > 0 && report.TrainPixels[10] == 0);
    }

    [Fact]
    public void LabelsFollowTheGlyphThresholds()
    {
        var options = new FashionScenesOptions { Size = 48 };
        var (image, label, garments) = FashionScene.Render(Pool(3, 1), options, new DeterministicRandom(1));
        Assert.InRange(garments.Count, options.MinGarments, options.MaxGarments);
        Assert.All(garments, g => Assert.InRange(g.Side, (int)Math.Round(28 * options.MinScale), (int)Math.Round(28 * options.MaxScale)));
        // The last garment is on top: the centre of its square (glyph 255) is its class.
        var top = garments[^1];
        int cy = top.Top + top.Side / 2, cx = top.Left + top.Side / 2;
        if (cy >= 0 && cy < 48 && cx >= 0 && cx < 48) Assert.Equal(4, label[cy, cx]);
        Assert.Subset(new HashSet<byte> { 0, 4, 255 }, label.Pixels.ToHashSet());
        Assert.Equal((48, 48, 3), (image.Height, image.Width, image.Channels));
    }

    [Fact]
    public void ReadsGzippedIdxFilesAndRejectsBadOnes()
    {
        using var temp = new TempDirectory();
        void WriteIdx(string path, int magic, int[] dims, byte[] data)
        {
            using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            var word = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, magic); gz.Write(word);
            foreach (var d in dims) { BinaryPrimitives.WriteInt32BigEndian(word, d); gz.Write(word); }
            gz.Write(data);
        }
        var glyphs = Enumerable.Range(0, 2 * 784).Select(i => (byte)(i % 251)).ToArray();
        WriteIdx(temp.Combine("img.gz"), 0x803, new[] { 2, 28, 28 }, glyphs);
        WriteIdx(temp.Combine("lab.gz"), 0x801, new[] { 2 }, new byte[] { 7, 3 });
        var set = FashionMnist.Load(temp.Combine("img.gz"), temp.Combine("lab.gz"));
        Assert.Equal(2, set.Count);
        Assert.Equal(glyphs[784..], set.Glyph(1).ToArray());
        Assert.Equal(new byte[] { 7, 3 }, set.Labels);
        var wrongMagic = Assert.Throws<DatasetException>(() => FashionMnist.Load(temp.Combine("lab.gz"), temp.Combine("lab.gz")));
        Assert.Contains("IDX magic 0x00000801, expected 0x00000803", wrongMagic.Message);
        WriteIdx(temp.Combine("short.gz"), 0x803, new[] { 2, 28, 28 }, glyphs[..900]);
        Assert.Contains("truncated", Assert.Throws<DatasetException>(() => FashionMnist.Load(temp.Combine("short.gz"), temp.Combine("lab.gz"))).Message);
    }

    [Fact]
    public void DebianFashionMnistTestSetHasTenBalancedClasses()
    {
        // dataset-fashion-mnist is installed by tools/setup.sh.
        var test = FashionMnist.Load(train: false);
        Assert.Equal(10000, test.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, test.Labels.Count(l => l == c)));
    }

    [Fact]
    public void CommandLineGarmentCountAndScaleReachTheScenes()
    {
        using var temp = new TempDirectory();
        var code = SemiSeg.Cli.Commands.DataCommand.Create().Parse(new[]
        {
            "fashion-scenes", "--out", temp.Path, "--size", "48", "--train", "3", "--val", "2",
            "--min-garments", "3", "--max-garments", "3", "--min-scale", "1.5", "--max-scale", "1.5",
        }).Invoke();
        Assert.Equal(0, code);
        var scenes = File.ReadAllLines(temp.Combine("scenes.tsv")).Skip(1).ToArray();
        Assert.Equal(5, scenes.Length);
        foreach (var scene in scenes)
        {
            var garments = scene.Split('\t')[1].Split(' ');
            Assert.Equal(3, garments.Length);
            Assert.All(garments, g => Assert.Equal("42", g.Split(':')[2]));   // side = round(28 x 1.5)
        }
        Assert.StartsWith("FashionScenes seed=0 size=48 train=3 val=2 garments=3-3 scale=1.5-1.5", File.ReadAllText(temp.Combine("fashion-scenes.txt")));
    }

    [Fact]
    public void LabelledSplitsComeFromThePoolAndEveryOtherSceneIsUnlabelled()
    {
        using var temp = new TempDirectory();
        FashionScenes.Build(temp.Path, new FashionScenesOptions { Size = 48, TrainScenes = 8, ValScenes = 1, LabelledPool = 4 }, Pool(0), Pool(9));
        var train = File.ReadAllLines(temp.Combine("splits", "train.txt"));
        Assert.Equal(8, train.Length);
        // 1/16, 1/8 and 1/4 of a 4-scene pool round up to 1, 1/2 is 2, "full" is the whole pool.
        Assert.Equal(new[] { "1", "2", "4" }, Directory.GetDirectories(temp.Combine("splits")).Select(Path.GetFileName).Order());
        foreach (var count in new[] { 1, 2, 4 })
        {
            var labelled = File.ReadAllLines(temp.Combine("splits", $"{count}", "labeled.txt"));
            var unlabelled = File.ReadAllLines(temp.Combine("splits", $"{count}", "unlabeled.txt"));
            Assert.Equal(count, labelled.Length);
            Assert.Subset(train.Take(4).ToHashSet(), labelled.ToHashSet());
            Assert.Equal(train.Except(labelled), unlabelled);
        }
        Assert.Equal(train.Take(4), File.ReadAllLines(temp.Combine("splits", "4", "labeled.txt")));
    }

    [Fact]
    public void RebuildReplacesTheOldBuildKeepsOtherFilesAndRefusesForeignFolders()
    {
        using var temp = new TempDirectory();
        var first = new FashionScenesOptions { Size = 48, TrainScenes = 6, ValScenes = 1, Seed = 1 };
        FashionScenes.Build(temp.Path, first, Pool(0), Pool(9));
        Assert.True(FashionScenes.IsBuilt(temp.Path, first));
        File.WriteAllText(temp.Combine("backbone.pth"), "encoder");
        Directory.CreateDirectory(temp.Combine("splits", "99"));
        var second = first with { TrainScenes = 4, Seed = 2 };
        Assert.False(FashionScenes.IsBuilt(temp.Path, second));
        FashionScenes.Build(temp.Path, second, Pool(0), Pool(9));
        Assert.True(FashionScenes.IsBuilt(temp.Path, second));
        Assert.False(FashionScenes.IsBuilt(temp.Path, first));
        Assert.False(Directory.Exists(temp.Combine("splits", "99")));
        Assert.False(File.Exists(temp.Combine("images", "train_00005.png")));
        Assert.Equal("encoder", File.ReadAllText(temp.Combine("backbone.pth")));

        using var foreign = new TempDirectory();
        Directory.CreateDirectory(foreign.Combine("splits"));
        File.WriteAllText(foreign.Combine("splits", "mine.txt"), "keep");
        var error = Assert.Throws<ArgumentException>(() => FashionScenes.Build(foreign.Path, first, Pool(0), Pool(9)));
        Assert.Contains(foreign.Path, error.Message);
        Assert.Contains("splits/", error.Message);
        Assert.Equal("keep", File.ReadAllText(foreign.Combine("splits", "mine.txt")));
    }
}
