using System.Globalization;
using System.Security;
using System.Text;

namespace SemiSeg.Reporting;

/// <summary>Writes chart drawing operations as an SVG document, by hand (no packages).</summary>
internal sealed class SvgCanvas : IChartCanvas
{
    private readonly StringBuilder body = new();

    public SvgCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        Rect(0, 0, width, height, Rgb.White, "background");
    }

    public int Width { get; }
    public int Height { get; }

    public void Line(double x1, double y1, double x2, double y2, Rgb color, double width = 1, bool dashed = false) =>
        body.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{color.Hex}\" stroke-width=\"{N(width)}\"")
            .Append(dashed ? " stroke-dasharray=\"4 4\"" : "").Append("/>\n");

    public void Polyline(IReadOnlyList<(double X, double Y)> points, Rgb color, double width) =>
        body.Append("<polyline class=\"series\" fill=\"none\" stroke-linejoin=\"round\" stroke=\"").Append(color.Hex)
            .Append("\" stroke-width=\"").Append(N(width)).Append("\" points=\"")
            .AppendJoin(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}")).Append("\"/>\n");

    public void Rect(double x, double y, double width, double height, Rgb fill, string? role = null) =>
        body.Append("<rect").Append(role is null ? "" : $" class=\"{role}\"")
            .Append($" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{fill.Hex}\"/>\n");

    public void Circle(double x, double y, double radius, Rgb fill) =>
        body.Append($"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(radius)}\" fill=\"{fill.Hex}\"/>\n");

    public void Text(double x, double y, string text, Rgb color, TextAnchor anchor = TextAnchor.Start, bool rotated = false, bool bold = false)
    {
        var anchorName = anchor switch { TextAnchor.Middle => "middle", TextAnchor.End => "end", _ => "start" };
        body.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" fill=\"{color.Hex}\" text-anchor=\"{anchorName}\"");
        if (rotated) body.Append($" transform=\"rotate(-90 {N(x)} {N(y)})\"");
        if (bold) body.Append(" font-weight=\"bold\"");
        body.Append('>').Append(SecurityElement.Escape(text)).Append("</text>\n");
    }

    /// <summary>The whole document; monospace text so labels take the room the layout measured.</summary>
    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" " +
        $"font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"12\">\n{body}</svg>\n";

    private static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
