using SemiSeg.Data;
using SemiSeg.Tests.Data;
using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>
/// The shipped u2pl_ael configs train for 2 steps: configs/cityscapes/744/u2pl_ael.yaml on a tiny
/// Cityscapes-layout dataset and configs/fashion/u2pl_ael.yaml on tiny FashionScenes, each with only the
/// data paths, the crop, the network's size and the step count overridden.
/// </summary>
public class U2plAelShippedConfigTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public U2plAelShippedConfigTests(TinyFashionRun tiny) => this.tiny = tiny;

    private static readonly string RepositoryRoot = RepositoryPaths.Root;


    // A narrow ResNet-18 DeepLabv3+ and 2 steps of 2 + 2 images, so the run takes seconds.
    private static readonly string[] Small =
    {
        "threads=1", "dataset.workers=1", "dataset.batch_size=2", "trainer.epochs=1", "trainer.max_steps_per_epoch=2",
        "trainer.contrastive.start_epoch=0", "trainer.contrastive.num_queries=8", "trainer.contrastive.num_negatives=4",
        "trainer.contrastive.queue_size=64", "trainer.contrastive.background_queue_size=128",
        "net.encoder.type=u2pl.models.resnet.resnet18", "net.encoder.kwargs.width=8", "net.decoder.kwargs.inner_planes=16",
        "net.decoder.kwargs.head_planes=16", "net.decoder.kwargs.rep_planes=16", "net.decoder.kwargs.dilations=[1, 2, 3]",
    };

    [Fact]
    public void CityscapesConfigTrainsTwoStepsOnATinyCityscapesLayout()
    {
        using var temp = new TempDirectory();
        var root = WriteTinyCityscapes(temp.Path);
        var overrides = Small.Concat(new[]
        {
            $"dataset.train.data_root={root}", $"dataset.train.data_list={temp.Path}/splits/labeled.txt",
            $"dataset.val.data_root={root}", $"dataset.val.data_list={temp.Path}/splits/val.txt",
            "dataset.train.crop.size=[16, 16]", "dataset.val.crop.size=[16, 16]", "criterion.kwargs.min_kept=10", "net.aux_loss.aux_plane=32",
            "dataset.n_sup=2",   // the tiny list's length (n_sup must match it)
        });
        var config = ExperimentConfig.Load(Path.Combine(RepositoryRoot, "configs", "cityscapes", "744", "u2pl_ael.yaml"), overrides);
        AssertTrainsTwoSteps(config, Path.Combine(temp.Path, "run"));
    }

    [Fact]
    public void FashionConfigTrainsTwoStepsOnTinyFashionScenes()
    {
        var overrides = Small.Concat(new[]
        {
            $"dataset.train.data_root={tiny.DataRoot}", $"dataset.train.data_list={tiny.DataRoot}/splits/5/labeled.txt",
            $"dataset.val.data_root={tiny.DataRoot}", $"dataset.val.data_list={tiny.DataRoot}/splits/val.txt",
            "dataset.train.crop.size=[32, 32]", "dataset.val.batch_size=4", "saver.backbone=''",
        });
        var config = ExperimentConfig.Load(Path.Combine(RepositoryRoot, "configs", "fashion", "u2pl_ael.yaml"), overrides);
        AssertTrainsTwoSteps(config, tiny.NewRunDirectory());
    }

    private static void AssertTrainsTwoSteps(ExperimentConfig config, string run)
    {
        Assert.Equal("u2pl_ael", config.Method);
        var summary = new Trainer(config, run).Run();
        Assert.Equal("u2pl_ael", summary.Method);
        var metrics = RunRecords.ReadMetrics(Path.Combine(run, "metrics.jsonl"));
        var epoch = Assert.Single(metrics);
        foreach (var term in new[] { "sup", "unsup", "contrastive", "total" })
            Assert.True(double.IsFinite(epoch.Losses[term]), $"{term} = {epoch.Losses[term]}");
        Assert.True(epoch.Losses["unsup"] > 0);
        Assert.InRange(epoch.MeanIoU, 0, 1);
    }

    // 2 labelled, 4 unlabelled and 1 validation image of 24 x 40 in Cityscapes' layout, with train ids.
    private static string WriteTinyCityscapes(string directory)
    {
        var root = Path.Combine(directory, "cityscapes");
        var lists = new Dictionary<string, List<string>> { ["labeled"] = new(), ["unlabeled"] = new(), ["val"] = new() };
        for (var i = 0; i < 7; i++)
        {
            var (split, list) = i < 2 ? ("train", "labeled") : i < 6 ? ("train", "unlabeled") : ("val", "val");
            var name = $"aachen_{i:D6}_000019";
            Directory.CreateDirectory(Path.Combine(root, "leftImg8bit", split, "aachen"));
            Directory.CreateDirectory(Path.Combine(root, "gtFine", split, "aachen"));
            var entry = $"leftImg8bit/{split}/aachen/{name}_leftImg8bit.png";
            ImageFile.Write(Path.Combine(root, entry), DataFixtures.RgbImage(24, 40, i));
            var ids = new ByteImage(24, 40, 1);
            for (var p = 0; p < ids.Pixels.Length; p++) ids.Pixels[p] = (byte)((p / 40 / 6 * 5 + p % 40 / 8 + i) % 19);
            ImageFile.Write(Path.Combine(root, "gtFine", split, "aachen", name + CityscapesDataset.TrainIdSuffix), ids);
            lists[list].Add(entry);
        }
        foreach (var (name, entries) in lists) SplitFile.Write(Path.Combine(directory, "splits", $"{name}.txt"), entries);
        return root;
    }
}
