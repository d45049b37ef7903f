using SemiSeg.Training;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 19, item 11: a finite but exploding loss stops the run, judged against the recent median.</summary>
public class DivergenceGuardTests
{
    [Fact]
    public void ALossAboveTheFactorTimesTheRecentMedianIsCaught()
    {
        var guard = new DivergenceGuard(1000);
        // Fewer than MinimumHistory steps: nothing to compare with yet.
        for (var k = 0; k < DivergenceGuard.MinimumHistory - 1; k++) Assert.Null(guard.Check(k % 2 == 0 ? 1.0 : 3.0));
        Assert.Null(guard.Check(3.0));
        // History 1, 3, 1, 3, 1, 3, 1, 3, 1, 3: median 2, so the bound is 2000.
        var reason = guard.Check(9e18);
        Assert.NotNull(reason);
        Assert.Contains("median 2 of the last 10 steps", reason);
        Assert.Contains("trainer.divergence_factor 1000", reason);
        // A rejected loss does not join the history.
        Assert.Null(guard.Check(1999));
        Assert.NotNull(guard.Check(2001 * 1.5));
    }

    [Fact]
    public void OneSpikeDoesNotRaiseTheBarAndZeroTurnsTheCheckOff()
    {
        var guard = new DivergenceGuard(10);
        for (var k = 0; k < 20; k++) Assert.Null(guard.Check(1.0));
        Assert.Null(guard.Check(9.0));        // a spike below the bound joins the history
        Assert.NotNull(guard.Check(10.5));    // the median is still 1
        var off = new DivergenceGuard(0);
        for (var k = 0; k < 20; k++) Assert.Null(off.Check(1.0));
        Assert.Null(off.Check(9e18));
    }
}
