using SemiSeg.Methods;
using SemiSeg.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// Builds the student (and the teacher, a copy of it) a config describes, with weights from the
/// seed, then ImageNet encoder weights (saver.backbone) and a whole-network checkpoint
/// (saver.pretrain, whose teacher_state, when present, becomes the teacher) when given; each load
/// reports what did not match. Both run their forward in the config's trainer.amp precision.
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
            // Read once: the student's weights and, further down, the teacher's come from the same file.
            using var pretrained = config.Pretrain is { } pretrainPath ? TorchFile.LoadDict(pretrainPath) : null;
            if (pretrained is not null) LoadPretrain(student, pretrained, config.Pretrain!, observer);
            if (withTeacher)
            {
                teacher = ModelBuilder.Build(config.Net, generator);
                EmaTeacher.Copy(teacher, student, includeBuffers: true);
                if (pretrained is not null) LoadPretrainedTeacher(teacher, pretrained, config.Pretrain!, observer);
                foreach (var p in teacher.Parameters()) p.RequiresGrad = false;
            }
            student.Amp = config.Trainer.Amp;
            if (teacher is not null) teacher.Amp = config.Trainer.Amp;
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

    /// <summary>
    /// The teacher of a checkpoint (teacher_state), as the official trainer loads it with saver.pretrain;
    /// a file without one (a bare state dict, a SupOnly checkpoint) leaves the teacher a copy of the student.
    /// </summary>
    private static void LoadPretrainedTeacher(SegmentationModel teacher, TorchDict weights, string path, ITrainingObserver observer)
    {
        if (!weights.ContainsKey("teacher_state")) return;
        using var scope = Torch.Torch.NewDisposeScope();
        var report = teacher.LoadStateDict(weights.GetDict("teacher_state").ToTensors(), strict: false, stripPrefix: "module.");
        observer.OnMessage($"pretrain {path}: teacher_state, {report.LoadedKeys.Count} tensors loaded" + (report.IsExact ? "" : $"; {report.DescribeProblems()}"));
    }

    /// <summary>A whole network: a bare state dict or a checkpoint's model_state, with or without "module.".</summary>
    private static void LoadPretrain(SegmentationModel model, TorchDict weights, string path, ITrainingObserver observer)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var state = weights.ContainsKey("model_state") ? weights.GetDict("model_state") : weights;
        var report = model.LoadStateDict(state.ToTensors(), strict: false, stripPrefix: "module.");
        observer.OnMessage($"pretrain {path}: {report.LoadedKeys.Count} tensors loaded" + (report.IsExact ? "" : $"; {report.DescribeProblems()}"));
    }
}
