using SemiSeg.Cli.Commands;
using SemiSeg.Models;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;
using T = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Models;

/// <summary>
/// A checkpoint saved as the official U2PL trainer saves one (tools/make_official_checkpoint.py: DDP-wrapped
/// student and teacher state dicts with "module.", the SGD state dict, best_miou an np.float64) reads in full,
/// and the eval command's path (CheckpointConfig.LoadModels: ModelBuilder, then a strict load without
/// "module.") gives networks whose outputs are PyTorch's for the student and for the teacher.
/// </summary>
public class OfficialCheckpointTests
{
    private const double Tolerance = 1e-4;
    private static readonly string Checkpoint = OfficialFixtures.Path("official_checkpoint.pth");

    /// <summary>The net: section of the fixture's small network (checkpoint_network in official_state_keys.json).</summary>
    private const string Yaml = """
        method: suponly
        dataset:
          type: cityscapes
          train: { data_root: data, data_list: data/labeled.txt }
          val: { data_list: data/val.txt }
        net:
          num_classes: 19
          sync_bn: True
          aux_loss: { aux_plane: 16, loss_weight: 0.4, hidden_planes: 8 }
          encoder:
            type: u2pl.models.resnet.resnet18
            kwargs: { multi_grid: True, zero_init_residual: True, fpn: True, replace_stride_with_dilation: [False, True, True], width: 4 }
          decoder:
            type: u2pl.models.decoder.dec_deeplabv3_plus
            kwargs: { inner_planes: 8, head_planes: 8, rep_planes: 8, dilations: [12, 24, 36] }
        """;

    private static ExperimentConfig Config() => ExperimentConfig.Parse(Yaml, Path.GetTempPath());

    [Fact]
    public void ReadsEveryEntryTheOfficialTrainerSaves()
    {
        using var checkpoint = TorchFile.LoadDict(Checkpoint);
        Assert.Equal(new TorchKey[] { "epoch", "model_state", "optimizer_state", "teacher_state", "best_miou" }, checkpoint.Keys);
        Assert.Equal(1, checkpoint.GetInt("epoch"));
        Assert.Equal(TorchValueKind.Double, checkpoint["best_miou"].Kind);   // np.float64 reads as a plain double
        Assert.Equal(0.4217391304347826, checkpoint.GetDouble("best_miou"));

        var student = checkpoint.GetDict("model_state");
        Assert.All(student.Keys, k => Assert.StartsWith("module.", k.AsString()));
        Assert.Equal(student.Keys, checkpoint.GetDict("teacher_state").Keys);

        // SGD's state dict: param groups encoder, auxor, decoder (the official order) and one momentum buffer
        // per parameter that had a gradient (the representation head had none in the fixture's loss).
        var optimizer = checkpoint.GetDict("optimizer_state");
        var groups = optimizer.GetList("param_groups").Select(g => g.AsDict()).ToArray();
        Assert.Equal(new long[] { 69, 6, 42 }, groups.Select(g => (long)g.GetList("params").Count));
        Assert.All(groups, g => Assert.Equal((0.9, 0.0005, false), (g.GetDouble("momentum"), g.GetDouble("weight_decay"), g.GetBool("nesterov"))));
        var polyLr = 0.01 * Math.Pow(1 - 3.0 / 600, 0.9);
        Assert.All(groups, g => Assert.Equal(polyLr, g.GetDouble("lr"), 12));
        var buffers = optimizer.GetDict("state");
        Assert.Equal(107, buffers.Count);
        Assert.All(buffers, b => Assert.True(b.Key.IsInt && b.Value.AsDict().ContainsKey("momentum_buffer")));

        using var model = ModelBuilder.Build(Config().Net);
        Assert.Equal(117, groups.Sum(g => g.GetList("params").Count));
        Assert.Equal(model.Parameters().Count(), groups.Sum(g => g.GetList("params").Count));
    }

    [Theory]
    [InlineData("student", "student")]
    [InlineData("teacher", "teacher")]
    [InlineData("auto", "teacher")]   // eval's default: the teacher when the checkpoint has one
    public void TheEvalPathLoadsEachStateStrictlyAndComputesPyTorchsOutputs(string which, string expectedNetwork)
    {
        using var models = CheckpointConfig.LoadModels(Config(), Checkpoint, which, out var model);
        using var expected = TorchFile.LoadDict(OfficialFixtures.Path("official_checkpoint_expected.pth"));
        model.Eval();
        using var scope = T.NewDisposeScope();
        using var noGrad = T.NoGrad();
        using var output = model.Forward(expected.GetTensor("input"));
        foreach (var (name, actual) in new[] { ("pred", output.Prediction), ("rep", output.Representation!), ("aux", output.Auxiliary!) })
        {
            var reference = expected.GetTensor($"{expectedNetwork}_{name}");
            Assert.Equal(reference.Shape, actual.Shape);
            var difference = (actual - reference).Abs().Max().Item();
            Assert.True(difference < Tolerance, $"{which} {name}: max |ours - PyTorch| = {difference:E2}");
        }
        // The student and the teacher differ (EMA and their own BatchNorm statistics), so the right one was loaded.
        var other = expected.GetTensor(expectedNetwork == "teacher" ? "student_pred" : "teacher_pred");
        Assert.True((output.Prediction - other).Abs().Max().Item() > 1e-3);
    }

    [Fact]
    public void AMismatchedNetworkIsRefusedNamingTheKeys()
    {
        var wider = Config() with { Net = Config().Net with { Decoder = Config().Net.Decoder with { RepPlanes = 16 } } };
        var error = Assert.ThrowsAny<Exception>(() => CheckpointConfig.LoadModels(wider, Checkpoint, "teacher", out _));
        Assert.Contains("decoder.representation", error.Message);
    }
}
