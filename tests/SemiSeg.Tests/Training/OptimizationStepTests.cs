using SemiSeg.Torch;

namespace SemiSeg.Tests.Training;

/// <summary>
/// The data-parallel stop vote of a training step: every rank votes once per step, before backward
/// (whose all-reduce would wait forever for a rank that left), so a non-finite loss on one rank stops
/// every rank at the same step instead of leaving the others to time out. The vote's collective
/// itself (the same answer on every rank) is checked with two processes in ProcessGroupTests.
/// </summary>
public class OptimizationStepTests
{
    [Fact]
    public void AnotherRanksStopEndsTheStepBeforeAnyWeightChanges()
    {
        using var step = new TinyU2plStep(Device.CPU);
        var votes = new List<bool>();
        var before = step.WeightSums();
        var error = Assert.Throws<InvalidOperationException>(() =>
            step.Step(stops => { votes.Add(stops); return new InvalidOperationException("rank 1 stopped"); }));
        Assert.Equal("rank 1 stopped", error.Message);
        Assert.Equal(new[] { false }, votes);
        Assert.Equal(before, step.WeightSums());
    }

    [Fact]
    public void ARankWithANonFiniteLossVotesToStopAndStopsWithItsOwnMessage()
    {
        using var step = new TinyU2plStep(Device.CPU);
        using (SemiSeg.Torch.Torch.NoGrad())
        {
            var first = step.Models.Student.Parameters().First();
            first.MulInPlace(double.NaN);
        }
        var votes = new List<bool>();
        var error = Assert.Throws<InvalidOperationException>(() =>
            step.Step(stops => { votes.Add(stops); return stops ? null : new InvalidOperationException("another rank stopped"); }));
        Assert.StartsWith("non-finite loss", error.Message);
        Assert.Equal(new[] { true }, votes);
    }

    [Fact]
    public void WhenNoRankStopsTheStepVotesOnceAndTrains()
    {
        using var step = new TinyU2plStep(Device.CPU);
        var votes = new List<bool>();
        var before = step.WeightSums();
        step.Step(stops => { votes.Add(stops); return null; });
        Assert.Equal(new[] { false }, votes);
        Assert.NotEqual(before, step.WeightSums());
    }
}
