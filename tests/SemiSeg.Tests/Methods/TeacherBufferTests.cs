using SemiSeg.Methods;
using SemiSeg.Tests.Training;
using SemiSeg.Training;

namespace SemiSeg.Tests.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// net.ema_buffers: the official U2PL teacher keeps its own batch-norm statistics; with the key on,
/// the first semi-supervised step (EMA decay 0) leaves the teacher's statistics equal to the student's.
/// </summary>
public class TeacherBufferTests : IClassFixture<TinyFashionRun>
{
    private readonly TinyFashionRun tiny;

    public TeacherBufferTests(TinyFashionRun tiny) => this.tiny = tiny;

    [Theory]
    [InlineData("u2pl")]
    [InlineData("cutmix")]
    public void TheTeachersStatisticsFollowTheStudentOnlyWhenAsked(string method)
    {
        Assert.True(TeacherRunningMeanDistance(method, emaBuffers: false) > 1e-3);
        Assert.Equal(0.0, TeacherRunningMeanDistance(method, emaBuffers: true));
    }

    /// <summary>Largest |teacher - student| over the running means after the first semi-supervised step.</summary>
    private double TeacherRunningMeanDistance(string methodName, bool emaBuffers)
    {
        var config = ExperimentConfig.Parse(tiny.Config(methodName), tiny.Root, overrides: new[] { $"net.ema_buffers={emaBuffers}" });
        Assert.Equal(emaBuffers, config.Net.EmaBuffers);
        Torch.ManualSeed(3);
        using var method = MethodRegistry.Create(config);
        using var models = ModelFactory.Build(config, withTeacher: true, SilentObserver.Instance);
        using var generator = new Generator(5);
        using var scope = Torch.NewDisposeScope();
        // A warm-start step first: it moves the student's statistics away from the teacher's.
        foreach (var epoch in new[] { 0, 1 })
        {
            var input = new StepInput(Torch.Randn(new long[] { 2, 3, 32, 32 }, generator), Torch.Randint(0, 11, new long[] { 2, 32, 32 }, generator),
                                      Torch.Randn(new long[] { 2, 3, 32, 32 }, generator), null, Epoch: epoch, Epochs: 2, Iteration: epoch, StepsPerEpoch: 1);
            models.Student.Train();
            method.Step(input, models);
            method.AfterOptimizerStep(input, models);
        }
        using var noGrad = Torch.NoGrad();
        var teacher = models.Teacher!.NamedBuffers().Where(b => b.Name.EndsWith("running_mean", StringComparison.Ordinal)).ToList();
        var student = models.Student.NamedBuffers().Where(b => b.Name.EndsWith("running_mean", StringComparison.Ordinal)).ToList();
        Assert.Equal(student.Select(b => b.Name), teacher.Select(b => b.Name));
        Assert.NotEmpty(teacher);
        return teacher.Zip(student).Max(p => (p.First.Buffer - p.Second.Buffer).Abs().Max().To(ScalarType.Float64).Item());
    }
}
