using System.Diagnostics;

namespace SemiSeg.Methods;

/// <summary>
/// Wall-clock seconds per named phase of a training step, for benchmarks (bench/u2pl_step.sh).
/// Phases nest; time is charged to the innermost open phase only, so the phases of a step add up to
/// the step (a memory-bank update inside the contrastive loss counts as memory bank, not twice).
/// On the CPU every operator has finished when it returns, so the clock sees the real work; on a
/// GPU the phases would need a synchronisation first. Methods hold a nullable timer and call
/// <c>timer?.Measure(...)</c>, which costs one null check when no timer is attached.
/// </summary>
public sealed class StepPhaseTimer
{
    private readonly Func<double> now;
    private readonly Stack<string> open = new();
    private readonly Dictionary<string, double> seconds = new();
    private readonly List<string> order = new();
    private double last;

    public StepPhaseTimer() : this(Stopwatch.StartNew()) { }

    private StepPhaseTimer(Stopwatch clock) : this(() => clock.Elapsed.TotalSeconds) { }

    /// <summary>A timer reading seconds from <paramref name="now"/> (tests drive it by hand).</summary>
    internal StepPhaseTimer(Func<double> now)
    {
        this.now = now;
        last = now();
    }

    /// <summary>Seconds per phase since the last <see cref="Reset"/>, in the order the phases first ran.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Totals => order.Select(p => (p, seconds[p])).ToList();

    /// <summary>Opens a phase until the returned handle is disposed.</summary>
    public Phase Measure(string name)
    {
        Charge();
        open.Push(name);
        return new Phase(this, open.Count);
    }

    /// <summary>Forgets the totals (open phases stay open and are charged from now on).</summary>
    public void Reset()
    {
        seconds.Clear();
        order.Clear();
        last = now();
    }

    private void Close(int depth)
    {
        if (open.Count != depth) throw new InvalidOperationException($"phase '{open.Peek()}' closed out of order");
        Charge();
        open.Pop();
    }

    private void Charge()
    {
        var time = now();
        if (open.Count > 0)
        {
            var name = open.Peek();
            if (!seconds.ContainsKey(name))
            {
                seconds[name] = 0;
                order.Add(name);
            }
            seconds[name] += time - last;
        }
        last = time;
    }

    /// <summary>An open phase; disposing it closes the phase.</summary>
    public readonly struct Phase : IDisposable
    {
        private readonly StepPhaseTimer? timer;
        private readonly int depth;

        internal Phase(StepPhaseTimer timer, int depth)
        {
            this.timer = timer;
            this.depth = depth;
        }

        public void Dispose() => timer?.Close(depth);
    }
}
