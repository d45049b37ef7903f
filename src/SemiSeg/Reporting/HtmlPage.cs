using System.Globalization;
using System.Net;
using System.Text;

namespace SemiSeg.Reporting;

/// <summary>
/// The report as one self-contained HTML page: charts and pictures as data: URIs, no scripts and
/// no external files needed (the figure files beside it are for linking). Charts go in as SVG
/// images rather than inline &lt;svg&gt; elements: ScottPlot numbers its clip paths from 1 in every
/// chart, and inline those ids would collide, each chart clipped by the first one's rectangle.
/// </summary>
internal sealed class HtmlPage
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
        table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; vertical-align: top; }
        th { background: #f3f3f3; } td.text, th.text { text-align: left; }
        figure { margin: 0.5em 0 1.5em; } figcaption { color: #555; font-size: 0.9em; }
        img.chart { max-width: 100%; display: block; }
        img.scene { width: 128px; image-rendering: pixelated; display: block; }
        .scenes td { text-align: center; font-size: 0.85em; } .swatch { display: inline-block; width: 1em; height: 1em; vertical-align: middle; }
        .links { font-size: 0.85em; } pre { background: #f7f7f7; padding: 0.5em; overflow-x: auto; font-size: 0.85em; }
        """;

    private readonly StringBuilder body = new();

    public void Heading(string text, int level = 2) => body.Append($"<h{level}>{E(text)}</h{level}>\n");

    public void Paragraph(string text) => body.Append($"<p>{E(text)}</p>\n");

    public void SummaryTable(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels)
    {
        body.Append("<table class=\"summary\">\n<tr><th class=\"text\">run</th><th class=\"text\">method</th><th>labeled</th><th>unlabeled</th>")
            .Append("<th>epochs</th><th>seed</th><th>best mIoU (%)</th><th>best epoch</th><th>final mIoU (%)</th><th>train time</th>")
            .Append("<th class=\"text\">evaluated</th></tr>\n");
        for (var i = 0; i < runs.Count; i++)
        {
            var s = runs[i].Summary;
            var evaluated = runs[i].Evaluations.Count > 0 ? runs[i].Evaluations[^1].EvaluatedModel : "";
            body.Append($"<tr><td class=\"text\">{E(runs[i].Name)}</td><td class=\"text\">{E(labels[i])}</td><td>{s.Labeled}</td><td>{s.Unlabeled}</td>")
                .Append($"<td>{s.Epochs}</td><td>{s.Seed}</td><td>{Percent(s.BestMeanIoU)}</td><td>{s.BestEpochNumber?.ToString(CultureInfo.InvariantCulture) ?? "&ndash;"}</td><td>{Percent(s.FinalMeanIoU)}</td>")
                .Append($"<td>{Duration(s.TrainSeconds)}</td><td class=\"text\">{E(evaluated)}</td></tr>\n");
        }
        body.Append("</table>\n");
    }

    /// <summary>A chart as an SVG image, with links to its files in the figures folder.</summary>
    public void Chart(ChartFigure figure, string figuresFolder)
    {
        body.Append($"<figure>\n<img class=\"chart\" id=\"{A(figure.Stem)}\" alt=\"{E(figure.Caption)}\" ")
            .Append($"src=\"data:image/svg+xml;base64,{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(figure.Svg))}\">\n")
            .Append($"<figcaption>{E(figure.Caption)} <span class=\"links\">(<a href=\"{A(figuresFolder)}/{A(figure.Stem)}.svg\">svg</a>, ")
            .Append($"<a href=\"{A(figuresFolder)}/{A(figure.Stem)}.png\">png</a>)</span></figcaption>\n</figure>\n");
    }

    public void PerClassTable(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> labels)
    {
        body.Append("<table class=\"per-class\">\n<tr><th class=\"text\">class</th>");
        foreach (var label in labels) body.Append($"<th>{E(label)}</th>");
        body.Append("</tr>\n");
        var names = runs[0].Summary.ClassNames;
        for (var c = 0; c < names.Length; c++)
        {
            body.Append($"<tr><td class=\"text\">{E(names[c])}</td>");
            foreach (var run in runs) body.Append($"<td>{(run.Summary.PerClassIoU[c] is { } v ? Percent(v) : "&ndash;")}</td>");
            body.Append("</tr>\n");
        }
        body.Append("</table>\n");
    }

    /// <summary>The Fig. 4 grid: a row per validation scene, a column per run's prediction.</summary>
    public void ValidationGrid(IReadOnlyList<SceneRow> rows, IReadOnlyList<string> labels, string pngLink)
    {
        body.Append("<table class=\"scenes\">\n<tr><th>scene</th><th>image</th><th>ground truth</th>");
        foreach (var label in labels) body.Append($"<th>{E(label)}</th>");
        body.Append("</tr>\n");
        foreach (var row in rows)
        {
            body.Append($"<tr><td>{E(row.Id)}</td><td>{Img(row.Image, "image " + row.Id)}</td><td>{Img(row.Truth, "ground truth " + row.Id)}</td>");
            for (var i = 0; i < labels.Count; i++)
                body.Append("<td>").Append(row.Predictions[i] is { } p ? Img(p, $"{labels[i]} prediction {row.Id}") : "not written").Append("</td>");
            body.Append("</tr>\n");
        }
        body.Append($"</table>\n<p class=\"links\">Hatched pixels carry no label (255). As one picture: <a href=\"{A(pngLink)}\">png</a>.</p>\n");
    }

    /// <summary>U2PL's Fig. 2 view of the run's unlabelled scenes.</summary>
    public void UnlabeledPanel(RunRecord run, string label, string pngLink)
    {
        var visuals = run.Visuals!;
        Heading($"{label}: unlabelled scenes", 3);
        body.Append("<table class=\"scenes\">\n<tr><th>scene</th><th>image</th><th>teacher entropy</th><th>partition</th><th>pseudo-label</th>")
            .Append("<th>alpha_t (%)</th><th>unreliable (% of valid)</th></tr>\n");
        foreach (var s in visuals.Unlabeled)
            body.Append($"<tr><td>{E(s.Id)}</td><td>{Img(run.VisualPath(s.Image), "image " + s.Id)}</td>")
                .Append($"<td>{Img(run.VisualPath(s.Entropy), "entropy " + s.Id)}</td><td>{Img(run.VisualPath(s.Partition), "partition " + s.Id)}</td>")
                .Append($"<td>{Img(run.VisualPath(s.Pseudo), "pseudo-label " + s.Id)}</td>")
                .Append($"<td>{F(s.AlphaTPercent, "0.##")}</td><td>{F(s.UnreliablePercent, "0.##")}</td></tr>\n");
        body.Append("</table>\n<p class=\"links\">Entropy from 0 (dark) to ").Append(F(visuals.EntropyMax, "0.###"))
            .Append($" = ln {visuals.ClassCount} (yellow). Partition: <span class=\"swatch\" style=\"background:{VisualsWriter.ReliableColor.Hex}\"></span> reliable, ")
            .Append($"<span class=\"swatch\" style=\"background:{VisualsWriter.UnreliableColor.Hex}\"></span> unreliable (the top alpha_t of the entropy), ")
            .Append($"hatched: no pseudo-label. The pseudo-label hatches the pixels the unsupervised loss ignores. As one picture: <a href=\"{A(pngLink)}\">png</a>.</p>\n");
    }

    public void Configs(IReadOnlyList<RunRecord> runs)
    {
        foreach (var run in runs.Where(r => r.ConfigText is not null))
            body.Append($"<details><summary>{E(run.Name)}/config.yaml</summary><pre>{E(run.ConfigText!)}</pre></details>\n");
    }

    public string Render(string title) =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{E(title)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n";

    /// <summary>mIoU and IoU are stored as fractions and shown in percent, as the paper does.</summary>
    public static string Percent(double fraction) => F(fraction * 100, "F2");

    public static string Duration(double seconds) =>
        seconds < 120 ? F(seconds, "0.#") + " s" : seconds < 7200 ? F(seconds / 60, "0.#") + " min" : F(seconds / 3600, "0.##") + " h";

    private static string Img(string path, string alt) =>
        $"<img class=\"scene\" alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
    private static string E(string text) => WebUtility.HtmlEncode(text);
    private static string A(string link) => string.Join('/', link.Split('/').Select(Uri.EscapeDataString));
}
