using System.Diagnostics;

namespace SemiSeg.Bench;

internal static class Timing
{
    /// <summary>Median seconds per call over several rounds, after a warm-up.</summary>
    public static double MedianSeconds(Action action, int rounds = 5, int callsPerRound = 1, int warmup = 2)
    {
        for (var k = 0; k < warmup; k++) action();
        var samples = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            for (var k = 0; k < callsPerRound; k++) action();
            samples[r] = clock.Elapsed.TotalSeconds / callsPerRound;
        }
        Array.Sort(samples);
        return samples[rounds / 2];
    }

    /// <summary>Resident set size of this process in MiB, from /proc/self/status.</summary>
    public static double ResidentMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:"))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.</summary>
    public static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
