using SemiSeg.Methods;
using SemiSeg.Torch.nn;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

public class EmaTeacherTests
{
    private sealed class Tiny : Module
    {
        public Tiny(float weight, float mean, long batches)
        {
            Weight = RegisterParameter("weight", Tensor.From(new[] { weight, weight * 2 }, 2));
            RunningMean = RegisterBuffer("running_mean", Tensor.From(new[] { mean }, 1));
            Batches = RegisterBuffer("num_batches_tracked", Tensor.From(new[] { batches }, 1));
        }

        public Tensor Weight { get; }
        public Tensor RunningMean { get; }
        public Tensor Batches { get; }
    }

    [Fact]
    public void U2plRampStartsAtZeroWhenTheWarmStartEnds()
    {
        var ema = new EmaTeacher(new EmaOptions { Decay = 0.99, SupOnlyEpoch = 1 });
        const long perEpoch = 50;
        Assert.Equal(0, ema.DecayAt(0, 0, perEpoch));                 // warm start: no teacher update
        Assert.False(ema.UpdatesAfterStep(0));
        Assert.True(ema.CopiesBeforeStep(1));
        Assert.Equal(0, ema.DecayAt(50, 1, perEpoch), 12);             // 1 - 1/1
        Assert.Equal(0.5, ema.DecayAt(51, 1, perEpoch), 12);           // 1 - 1/2
        Assert.Equal(0.9, ema.DecayAt(59, 1, perEpoch), 12);           // 1 - 1/10
        Assert.Equal(0.99, ema.DecayAt(149, 2, perEpoch), 12);         // 1 - 1/100 = the cap
        Assert.Equal(0.99, ema.DecayAt(1000, 20, perEpoch), 12);
        Assert.False(ema.CopiesBeforeStep(2));
    }

    [Fact]
    public void ImasRampFollowsTheStudentThroughTheWarmStartEpoch()
    {
        var ema = new EmaTeacher(EmaOptions.Imas);
        Assert.Equal(0, ema.DecayAt(7, 0, 10));                        // epoch 0 with sup_only_epoch 0: decay 0
        Assert.Equal(1 - 1.0 / 11, ema.DecayAt(10, 1, 10), 12);
        Assert.Equal(0.996, ema.DecayAt(100000, 50, 10), 12);
        Assert.True(ema.UpdatesAfterStep(0));
        Assert.False(ema.CopiesBeforeStep(0));
    }

    [Fact]
    public void UpdateAveragesParametersAndOnlyOptionallyBuffers()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = new Tiny(1, 10, 3);
        using var student = new Tiny(3, 20, 8);
        new EmaTeacher(new EmaOptions()).Update(teacher, student, 0.75);
        Assert.Equal(new[] { 1.5f, 3f }, teacher.Weight.ToArray<float>());   // 0.75 * 1 + 0.25 * 3, 0.75 * 2 + 0.25 * 6
        Assert.Equal(new[] { 10f }, teacher.RunningMean.ToArray<float>());  // U2PL leaves buffers alone
        new EmaTeacher(EmaOptions.Imas).Update(teacher, student, 0.5);
        Assert.Equal(new[] { 2.25f, 4.5f }, teacher.Weight.ToArray<float>());
        Assert.Equal(new[] { 15f }, teacher.RunningMean.ToArray<float>());
        Assert.Equal(new[] { 8L }, teacher.Batches.ToArray<long>());        // counters follow the student
        Assert.False(teacher.Weight.RequiresGrad && teacher.Weight.Grad is not null);
    }

    [Fact]
    public void DecayZeroAndCopyMakeTheTeacherTheStudent()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = new Tiny(1, 10, 3);
        using var student = new Tiny(3, 20, 8);
        new EmaTeacher(new EmaOptions()).Update(teacher, student, 0);
        Assert.Equal(student.Weight.ToArray<float>(), teacher.Weight.ToArray<float>());
        using var other = new Tiny(5, 30, 1);
        EmaTeacher.Copy(teacher, other, includeBuffers: true);
        Assert.Equal(new[] { 5f, 10f }, teacher.Weight.ToArray<float>());
        Assert.Equal(new[] { 30f }, teacher.RunningMean.ToArray<float>());
    }

    [Fact]
    public void MismatchedModelsAreRejectedBeforeAnyWrite()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = new Tiny(1, 10, 3);
        using var student = new Conv2d(1, 2, 1);
        Assert.Throws<ArgumentException>(() => new EmaTeacher(new EmaOptions()).Update(teacher, student, 0.5));
        Assert.Equal(new[] { 1f, 2f }, teacher.Weight.ToArray<float>());
    }
}
