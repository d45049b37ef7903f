using SemiSeg.Models;

namespace SemiSeg.Methods;

/// <summary>The student being optimised and, for teacher-student methods, its EMA teacher.</summary>
public sealed class TrainingModels : IDisposable
{
    public TrainingModels(SegmentationModel student, SegmentationModel? teacher)
    {
        Student = student;
        Teacher = teacher;
    }

    public SegmentationModel Student { get; }
    public SegmentationModel? Teacher { get; }

    public SegmentationModel RequireTeacher() =>
        Teacher ?? throw new InvalidOperationException("this method needs a teacher model but none was built");

    public void Dispose()
    {
        Student.Dispose();
        Teacher?.Dispose();
    }
}
