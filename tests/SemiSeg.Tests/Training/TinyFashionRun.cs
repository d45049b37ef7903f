using SemiSeg.Data;

namespace SemiSeg.Tests.Training;

/// <summary>
/// A tiny FashionScenes dataset (40 train, 8 val scenes of 32x32) built once for the training
/// tests, and tiny configs that train a narrow ResNet-18 DeepLabv3+ for a few steps.
/// </summary>
public sealed class TinyFashionRun : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"semiseg-tiny-{Guid.NewGuid():N}");

    public TinyFashionRun()
    {
        var options = new FashionScenesOptions { Seed = 1, Size = 32, TrainScenes = 40, ValScenes = 8, MinScale = 0.5, MaxScale = 1.0 };
        FashionScenes.Build(Path.Combine(Root, "data"), options, FashionMnist.Load(train: true), FashionMnist.Load(train: false));
    }

    public string DataRoot => Path.Combine(Root, "data");

    /// <summary>A config for <paramref name="method"/>: 1/8 labelled (5 scenes), 2 epochs of 2 steps, the first supervised only.</summary>
    public string Config(string method) => $@"
method: {method}
seed: 3
threads: 1
dataset:
  type: fashion_scenes
  train:
    data_root: {DataRoot}
    data_list: {DataRoot}/splits/5/labeled.txt
    flip: True
    rand_resize: [0.75, 1.5]
    crop:
      type: rand
      size: [32, 32]
    strong_ops: 2
  val:
    data_root: {DataRoot}
    data_list: {DataRoot}/splits/val.txt
    mode: full
    batch_size: 4
  batch_size: 2
  workers: 1
trainer:
  epochs: 2
  sup_only_epoch: 1
  max_steps_per_epoch: 2
  optimizer:
    kwargs:
      lr: 0.01
{MethodSections(method)}{NetSection}";

    /// <summary>The tiny network of every training test (also <see cref="TinyU2plStep"/>'s): a width-8 ResNet-18 with 16-channel heads.</summary>
    public const string NetSection = @"net:
  num_classes: 11
  encoder:
    type: resnet18
    kwargs:
      width: 8
  decoder:
    type: dec_deeplabv3_plus
    kwargs:
      inner_planes: 16
      head_planes: 16
      rep_planes: 16
      dilations: [1, 2, 3]
";

    /// <summary>The trainer's method sections, indented under trainer:. Only the keys the method reads: a key a method would ignore is refused.</summary>
    public static string MethodSections(string method) => method switch
    {
        "u2pl" => @"  unsupervised:
    drop_percent: 80
    apply_aug: cutmix
  contrastive:
    num_queries: 8
    num_negatives: 4
    queue_size: 64
    background_queue_size: 128
",
        "cutmix" => @"  unsupervised:
    apply_aug: cutmix
",
        _ => "",
    };

    public string WriteConfig(string method)
    {
        var path = Path.Combine(Root, $"{method}-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Config(method));
        return path;
    }

    public string NewRunDirectory() => Path.Combine(Root, "runs", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
