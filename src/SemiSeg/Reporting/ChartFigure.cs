namespace SemiSeg.Reporting;

/// <summary>A chart of the report in both forms; <see cref="Stem"/> names its files (Stem.svg, Stem.png).</summary>
internal sealed record ChartFigure(string Stem, string Caption, string Svg, RgbImage Image);
