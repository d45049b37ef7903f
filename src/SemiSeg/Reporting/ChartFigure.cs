using ScottPlot;

namespace SemiSeg.Reporting;

/// <summary>
/// A chart of the report in both forms, rendered once from one ScottPlot <see cref="Plot"/> so the
/// SVG and the PNG are the same picture; <see cref="Stem"/> names its files (Stem.svg, Stem.png).
/// </summary>
internal sealed record ChartFigure(string Stem, string Caption, string Svg, byte[] Png)
{
    public const int DefaultWidth = 720, DefaultHeight = 360;

    public static ChartFigure Render(string stem, string caption, Plot plot, int width = DefaultWidth, int height = DefaultHeight) =>
        new(stem, caption, plot.GetSvgXml(width, height), plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>Writes Stem.svg and Stem.png into <paramref name="directory"/>; returns both paths.</summary>
    public IReadOnlyList<string> WriteFiles(string directory)
    {
        var svg = Path.Combine(directory, Stem + ".svg");
        var png = Path.Combine(directory, Stem + ".png");
        Training.AtomicFile.WriteAllText(svg, Svg);
        Training.AtomicFile.Write(png, temp => File.WriteAllBytes(temp, Png));
        return new[] { svg, png };
    }
}
