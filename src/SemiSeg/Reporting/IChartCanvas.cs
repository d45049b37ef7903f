namespace SemiSeg.Reporting;

/// <summary>
/// The drawing operations a chart needs, in pixel coordinates with y down. One chart layout
/// drives both <see cref="SvgCanvas"/> and <see cref="RasterCanvas"/>, so the SVG and PNG
/// versions of a figure are the same picture.
/// </summary>
internal interface IChartCanvas
{
    int Width { get; }
    int Height { get; }

    void Line(double x1, double y1, double x2, double y2, Rgb color, double width = 1, bool dashed = false);

    /// <summary>One data series: the SVG has exactly one polyline per series drawn.</summary>
    void Polyline(IReadOnlyList<(double X, double Y)> points, Rgb color, double width);

    /// <summary>A filled rectangle; <paramref name="role"/> names it in the SVG (class attribute).</summary>
    void Rect(double x, double y, double width, double height, Rgb fill, string? role = null);

    void Circle(double x, double y, double radius, Rgb fill);

    /// <summary>Text with its baseline at y; rotated text reads upwards, its baseline vertical at x.</summary>
    void Text(double x, double y, string text, Rgb color, TextAnchor anchor = TextAnchor.Start, bool rotated = false, bool bold = false);
}
