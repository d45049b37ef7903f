using SemiSeg.Models;
using SemiSeg.Tests.Models;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// The configs shipped in configs/: every one loads, the translated official ones keep the official values
/// (experiments/pascal/1464 and cityscapes/744 of github.com/Haochen-Wang409/U2PL at ab3d2be), their split
/// lists are the ones copied to data/splits, and their networks have the official modules' state-dict keys
/// (official_state_keys.json, written by tools/make_official_checkpoint.py from the official ModelBuilder).
/// </summary>
public class ConfigFilesTests
{
    private static readonly string Root = RepositoryPaths.Root;


    private static ExperimentConfig Load(string relative) => ExperimentConfig.Load(Path.Combine(Root, "configs", relative));

    /// <summary>Every config file, relative to configs/ with forward slashes.</summary>
    private static string[] ConfigFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "configs"), "*.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Path.Combine(Root, "configs"), file).Replace('\\', '/')).Order().ToArray();

    public static TheoryData<string> AllConfigs() => new(ConfigFiles());

    [Fact]
    public void TheOfficialSplitsAndDatasetsEachHaveAConfigPerMethod()
    {
        var files = ConfigFiles().ToHashSet();
        // The classic (92 ... 1464) and blender (662 ... 5291) VOC splits and the four Cityscapes splits of the official repository.
        foreach (var n in new[] { 92, 183, 366, 732, 1464, 662, 1323, 2646, 5291 })
            Assert.Subset(files, new HashSet<string> { $"pascal/{n}/u2pl.yaml", $"pascal/{n}/suponly.yaml" });
        foreach (var n in new[] { 186, 372, 744, 1488 })
            Assert.Subset(files, new HashSet<string> { $"cityscapes/{n}/u2pl.yaml", $"cityscapes/{n}/suponly.yaml" });
        foreach (var n in new[] { 186, 372, 744, 1488 }) Assert.Contains($"cityscapes/{n}/u2pl_ael.yaml", files);
        Assert.Contains("fashion/u2pl_ael.yaml", files);
        // The six FashionScenes presets, the two of the official-code cross-check (fashion/crosscheck), VOC, Cityscapes (u2pl, suponly, u2pl_ael).
        Assert.Equal(6 + 2 + 2 * 9 + 3 * 4, files.Count);
    }

    [Theory]
    [InlineData("u2pl")]
    [InlineData("suponly")]
    public void CrosscheckConfigsAreThePresetsWithANetworkTheOfficialCodeBuilds(string method)
    {
        // docs/official-crosscheck.md: their ResNet-50 with dec_deeplabv3_plus's 256-channel heads, 1/16, its own encoder file.
        var preset = Load($"fashion/{method}.yaml");
        var check = Load($"fashion/crosscheck/{method}.yaml");
        Assert.Equal((50, 64, true), (check.Net.Encoder.Depth, check.Net.Encoder.Width, check.Net.Encoder.DeepStem));
        Assert.Equal((256, 256), (check.Net.Decoder.HeadPlanes, check.Net.Decoder.RepPlanes));
        Assert.Equal(method == "u2pl", check.Net.HasRepresentation);   // the official suponly configs: rep_head False
        Assert.EndsWith(Path.Combine("splits", "63", "labeled.txt"), check.Data.LabeledList);
        Assert.EndsWith("backbone-r50.pth", check.Backbone);
        Assert.Equal(method == "u2pl" ? "official" : "paper", check.Profile.Name);
        // The budget bench/crosscheck runs both implementations on (this ResNet-50 costs about 9x the preset
        // network at output stride 8): batch 4 at output stride 16, and U2PL 6 epochs of 50 steps.
        Assert.Equal(4, check.Data.BatchSize);
        Assert.Equal(new[] { false, false, true }, check.Net.Encoder.ReplaceStrideWithDilation);
        Assert.Equal(method == "u2pl" ? preset.Trainer with { Epochs = 6, MaxStepsPerEpoch = 50 } : preset.Trainer, check.Trainer);
        // Everything else as the preset.
        Assert.Equal((preset.Data.TrainRoot, preset.Data.ValList), (check.Data.TrainRoot, check.Data.ValList));
        Assert.Equal((preset.Data.TrainAugmentation.Crop, preset.Data.TrainAugmentation.RandResize), (check.Data.TrainAugmentation.Crop, check.Data.TrainAugmentation.RandResize));
        Assert.Equal((preset.Net.Decoder.InnerPlanes, preset.Net.EmaDecay), (check.Net.Decoder.InnerPlanes, check.Net.EmaDecay));
        Assert.Equal(preset.Net.Decoder.Dilations, check.Net.Decoder.Dilations);
    }

    [Theory]
    [MemberData(nameof(AllConfigs))]
    public void EveryConfigLoadsAndNamesItsMethodInItsFileName(string relative)
    {
        var config = Load(relative);
        Assert.Equal(Path.GetFileNameWithoutExtension(relative), config.Method);
        // Official datasets: the split lists are committed (data/splits), so the paths must reach them.
        if (config.Data.Type is "pascal" or "pascal_semi" or "cityscapes" or "cityscapes_semi")
        {
            Assert.StartsWith(Path.Combine(Root, "data", "splits"), config.Data.LabeledList);
            Assert.True(File.Exists(config.Data.LabeledList), config.Data.LabeledList);
            Assert.True(File.Exists(config.Data.ValList), config.Data.ValList);
            if (config.Method != "suponly") Assert.True(File.Exists(config.Data.UnlabeledList), config.Data.UnlabeledList);
            var dataset = config.Data.Type.StartsWith("pascal") ? "VOC2012" : "cityscapes";
            Assert.Equal(Path.Combine(Root, "data", dataset), config.Data.TrainRoot);
            Assert.Equal(config.Data.TrainRoot, config.Data.ValRoot);
        }
    }

    [Fact]
    public void VocU2plKeepsTheOfficialValues()
    {
        var c = Load("pascal/1464/u2pl.yaml");
        Assert.Equal(("u2pl", "pascal_semi", 2UL), (c.Method, c.Data.Type, c.Seed));
        Assert.Equal((513, 513), c.Data.TrainAugmentation.Crop);
        Assert.Equal((0.5, 2.0), c.Data.TrainAugmentation.RandResize);
        Assert.True(c.Data.TrainAugmentation.Flip);
        Assert.False(c.Data.TrainAugmentation.GaussianBlur);
        Assert.Equal(((513, 513), "center"), (c.Data.ValAugmentation.Crop, c.Data.ValMode));
        Assert.Equal(new[] { 123.675, 116.28, 103.53 }, c.Data.TrainAugmentation.Mean);
        Assert.Equal(new[] { 58.395, 57.12, 57.375 }, c.Data.TrainAugmentation.Std);
        Assert.Equal(4, c.Data.BatchSize);
        Assert.EndsWith(Path.Combine("splits", "pascal", "1464", "unlabeled.txt"), c.Data.UnlabeledList);

        var t = c.Trainer;
        Assert.Equal((80, 1), (t.Epochs, t.SupOnlyEpoch));   // sup_only_epoch absent: train_semi.py reads 1
        Assert.Equal((0.001, 0.9, 0.0001, 10.0, 0.9), (t.LearningRate, t.Momentum, t.WeightDecay, t.HeadLearningRateTimes, t.PolyPower));
        Assert.Equal(("CELoss", 0.0), (c.Criterion.Type, c.Criterion.AuxWeight));
        Assert.Equal((80.0, "cutmix"), (c.Unsupervised.DropPercent, c.Unsupervised.ApplyAug));

        var k = c.Contrastive!;
        Assert.Equal((3, 20, 50, 256), (k.LowRank, k.HighRank, k.NumNegatives, k.NumQueries));
        Assert.Equal((0.3, 1.0, 20.0, 0.5, 1.0), (k.CurrentClassThreshold, k.CurrentClassNegativeThreshold, k.LowEntropyThreshold, k.Temperature, k.LossWeight));
        Assert.True(k.NegativeHighEntropy);

        var net = c.Net;
        Assert.Equal((21, 0.99, 101), (net.NumClasses, net.EmaDecay, net.Encoder.Depth));
        Assert.Null(net.AuxLoss);
        Assert.Equal(new[] { false, true, true }, net.Encoder.ReplaceStrideWithDilation);
        Assert.True(net.Encoder.MultiGrid && net.Encoder.ZeroInitResidual && net.Encoder.DeepStem);
        Assert.Equal(new[] { 12, 24, 36 }, net.Decoder.Dilations);
        Assert.Equal((256, true), (net.Decoder.InnerPlanes, net.HasRepresentation));
    }

    [Fact]
    public void VocSupOnlyKeepsTheOfficialValues()
    {
        var c = Load("pascal/1464/suponly.yaml");
        Assert.Equal(("suponly", "pascal", 8), (c.Method, c.Data.Type, c.Data.BatchSize));
        Assert.Equal((80, 0.001, 10.0), (c.Trainer.Epochs, c.Trainer.LearningRate, c.Trainer.HeadLearningRateTimes));
        Assert.False(c.Net.HasRepresentation);   // rep_head: False
        Assert.Null(c.Contrastive);
    }

    [Fact]
    public void CityscapesU2plKeepsTheOfficialValues()
    {
        var c = Load("cityscapes/744/u2pl.yaml");
        Assert.Equal(("u2pl", "cityscapes_semi", 2), (c.Method, c.Data.Type, c.Data.BatchSize));
        Assert.Equal((769, 769), c.Data.TrainAugmentation.Crop);
        Assert.Equal(((769, 769), "center"), (c.Data.ValAugmentation.Crop, c.Data.ValMode));
        Assert.EndsWith(Path.Combine("splits", "cityscapes", "744", "unlabeled.txt"), c.Data.UnlabeledList);

        var t = c.Trainer;
        Assert.Equal((200, 0), (t.Epochs, t.SupOnlyEpoch));
        Assert.Equal((0.01, 0.9, 0.0005, 1.0, 0.9), (t.LearningRate, t.Momentum, t.WeightDecay, t.HeadLearningRateTimes, t.PolyPower));
        Assert.Equal(("ohem", 0.7, 100000L, 0.4), (c.Criterion.Type, c.Criterion.Thresh, c.Criterion.MinKept, c.Criterion.AuxWeight));
        Assert.Equal((80.0, "cutmix"), (c.Unsupervised.DropPercent, c.Unsupervised.ApplyAug));
        Assert.Equal((3, 20, 50, 256, 0.5), (c.Contrastive!.LowRank, c.Contrastive.HighRank, c.Contrastive.NumNegatives, c.Contrastive.NumQueries, c.Contrastive.Temperature));

        var net = c.Net;
        Assert.Equal((19, 101), (net.NumClasses, net.Encoder.Depth));
        Assert.Equal((1024, 0.4), (net.AuxLoss!.AuxPlane, net.AuxLoss.LossWeight));
        Assert.Equal(new[] { 12, 24, 36 }, net.Decoder.Dilations);
        Assert.True(net.HasRepresentation);
    }

    [Fact]
    public void CityscapesSupOnlyKeepsTheOfficialValues()
    {
        var c = Load("cityscapes/744/suponly.yaml");
        Assert.Equal(("suponly", "cityscapes", 4), (c.Method, c.Data.Type, c.Data.BatchSize));
        Assert.Equal((200, 0.01, 0.0005), (c.Trainer.Epochs, c.Trainer.LearningRate, c.Trainer.WeightDecay));
        Assert.Equal(("ohem", 0.7, 100000L, 0.4), (c.Criterion.Type, c.Criterion.Thresh, c.Criterion.MinKept, c.Criterion.AuxWeight));
        Assert.False(c.Net.HasRepresentation);
    }

    [Theory]
    [InlineData("pascal/1464/u2pl.yaml", "pascal_1464_ours")]
    [InlineData("pascal/1464/suponly.yaml", "pascal_1464_suponly")]
    [InlineData("cityscapes/744/u2pl.yaml", "cityscapes_744_ours")]
    [InlineData("cityscapes/744/suponly.yaml", "cityscapes_744_suponly")]
    public void TranslatedConfigsBuildTheOfficialNetworksKeyForKey(string relative, string official)
    {
        using var model = ModelBuilder.Build(Load(relative).Net);
        var expected = OfficialFixtures.Json("official_state_keys.json").GetProperty("networks").GetProperty(official).EnumerateArray()
            .Select(e => $"{e[0].GetString()} [{string.Join(", ", e[1].EnumerateArray().Select(d => d.GetInt64()))}]").ToArray();
        var actual = model.StateDict().Select(e => $"{e.Key} [{string.Join(", ", e.Value.Shape)}]").ToArray();
        Assert.Equal(expected, actual);
    }
}
