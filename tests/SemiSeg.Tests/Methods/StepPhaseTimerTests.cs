using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

public class StepPhaseTimerTests
{
    private double clock;

    [Fact]
    public void NestedPhasesAreChargedExclusivelyAndAddUpToTheWall()
    {
        var timer = new StepPhaseTimer(() => clock);
        clock = 1;                                        // before any phase: charged to nothing
        using (timer.Measure("contrastive"))
        {
            clock = 1.5;
            using (timer.Measure("bank")) clock = 1.75;   // 0.25 s in the bank, not in contrastive
            clock = 2;
            using (timer.Measure("bank")) clock = 2.5;
            clock = 3;
        }
        clock = 4;                                        // after: charged to nothing
        using (timer.Measure("backward")) clock = 6;

        Assert.Equal(new[] { ("contrastive", 1.25), ("bank", 0.75), ("backward", 2.0) }, timer.Totals);
    }

    [Fact]
    public void ResetForgetsTotalsAndStartsFromNow()
    {
        var timer = new StepPhaseTimer(() => clock);
        using (timer.Measure("warm-up")) clock = 10;
        clock = 12;
        timer.Reset();
        clock = 13;
        using (timer.Measure("step")) clock = 13.5;
        Assert.Equal(new[] { ("step", 0.5) }, timer.Totals);
    }

    [Fact]
    public void ClosingAnOuterPhaseBeforeItsInnerOneIsAnError()
    {
        var timer = new StepPhaseTimer(() => clock);
        var outer = timer.Measure("outer");
        using var inner = timer.Measure("inner");
        var error = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Assert.Contains("'inner'", error.Message);
    }
}
