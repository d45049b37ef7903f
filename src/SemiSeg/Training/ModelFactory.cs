using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// Builds the student (and the teacher, a copy of it) a config describes, with weights from the
/// seed, then ImageNet encoder weights (saver.backbone) and a whole-network checkpoint
/// (saver.pretrain) when given; each load reports what did not match.
/// </summary>
public static class ModelFactory
{
    public static TrainingModels Build(ExperimentConfig config, bool withTeacher, ITrainingObserver observer)
    {
        using var generator = new Generator(config.Seed);
        var student = ModelBuilder.Build(config.Net, generator);
        SegmentationModel? teacher = null;
        try
        {
            if (config.Backbone is { } backbone) LoadBackbone(student, backbone, observer);
            if (config.Pretrain is { } pretrain) LoadPretrain(student, pretrain, observer);
            if (withTeacher)
            {
                teacher = ModelBuilder.Build(config.Net, generator);
                EmaTeacher.Copy(teacher, student, includeBuffers: true);
                foreach (var p in teacher.Parameters()) p.RequiresGrad = false;
            }
            if (config.Device != Device.CPU)
            {
                student.To(config.Device);
                teacher?.To(config.Device);
            }
            return new TrainingModels(student, teacher);
        }
        catch
        {
            student.Dispose();
            teacher?.Dispose();
            throw;
        }
    }

    /// <summary>ImageNet weights into the encoder: the classifier (fc.*) is expected to be left over.</summary>
    public static void LoadBackbone(SegmentationModel model, string path, ITrainingObserver observer)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var weights = TorchFile.LoadDict(path);
        var entries = (weights.ContainsKey("state_dict") ? weights.GetDict("state_dict") : weights).ToTensors()
            .Where(kv => !kv.Key.StartsWith("fc.", StringComparison.Ordinal) && !kv.Key.StartsWith("module.fc.", StringComparison.Ordinal));
        var report = model.Encoder.LoadStateDict(entries, strict: false, stripPrefix: "module.");
        observer.OnMessage($"backbone {path}: {report.LoadedKeys.Count} tensors loaded" + (report.IsExact ? "" : $"; {report.DescribeProblems()}"));
    }

    /// <summary>A whole network: a bare state dict or a checkpoint's model_state, with or without "module.".</summary>
    public static void LoadPretrain(SegmentationModel model, string path, ITrainingObserver observer)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var weights = TorchFile.LoadDict(path);
        var state = weights.ContainsKey("model_state") ? weights.GetDict("model_state") : weights;
        var report = model.LoadStateDict(state.ToTensors(), strict: false, stripPrefix: "module.");
        observer.OnMessage($"pretrain {path}: {report.LoadedKeys.Count} tensors loaded" + (report.IsExact ? "" : $"; {report.DescribeProblems()}"));
    }
}
