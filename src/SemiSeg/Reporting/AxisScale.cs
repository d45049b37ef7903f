using System.Globalization;

namespace SemiSeg.Reporting;

/// <summary>
/// A linear axis with "nice" ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering the
/// data, and the mapping from data values to pixels.
/// </summary>
internal sealed class AxisScale
{
    private AxisScale(double min, double max, double step)
    {
        Min = min;
        Max = max;
        Step = step;
        var count = (int)Math.Round((max - min) / step);
        // Ticks are rounded to 12 significant digits, so 3 x 0.2 is 0.6 and not 0.6000000000000001.
        Ticks = Enumerable.Range(0, count + 1)
            .Select(i => double.Parse((min + i * step).ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))
            .ToArray();
    }

    public double Min { get; }
    public double Max { get; }
    public double Step { get; }
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>Pixel positions of <see cref="Min"/> and <see cref="Max"/> (for a y axis, bottom then top).</summary>
    public double PixelMin { get; set; }
    public double PixelMax { get; set; }

    public double Map(double value) => PixelMin + (value - Min) / (Max - Min) * (PixelMax - PixelMin);

    /// <summary>
    /// An axis covering [min, max] with about <paramref name="targetTicks"/> ticks; an empty or
    /// non-finite range is widened so that a flat series still gets an axis.
    /// </summary>
    public static AxisScale Nice(double min, double max, int targetTicks = 5, bool integers = false)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) (min, max) = (0, 1);
        if (max < min) (min, max) = (max, min);
        if (max == min)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }
        var step = NiceStep((max - min) / Math.Max(1, targetTicks));
        if (integers) step = Math.Max(1, Math.Round(step));
        var lo = Math.Floor(min / step + 1e-9) * step;
        var hi = Math.Ceiling(max / step - 1e-9) * step;
        return new AxisScale(lo, hi, step);
    }

    private static double NiceStep(double raw)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalized = raw / magnitude;
        var nice = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /// <summary>A tick label with as many decimals as the step needs; tiny steps in scientific notation.</summary>
    public string Format(double value)
    {
        if (value == 0) return "0";
        var decimals = 0;
        while (decimals < 10 && Math.Abs(Step * Math.Pow(10, decimals) - Math.Round(Step * Math.Pow(10, decimals))) > 1e-6 * Math.Pow(10, decimals))
            decimals++;
        return decimals > 4
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
