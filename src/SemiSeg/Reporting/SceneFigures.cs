using System.Globalization;

namespace SemiSeg.Reporting;

/// <summary>
/// The picture figures: the Fig. 4 grid (each validation scene's picture, ground truth and every
/// run's prediction side by side) and U2PL's Fig. 2 panel (an unlabelled scene's picture, teacher
/// entropy, reliable/unreliable partition and pseudo-label), composed from the runs' visuals.
/// </summary>
internal static class SceneFigures
{
    /// <summary>Small scenes are enlarged (nearest neighbour) to at least this many pixels a side.</summary>
    private const int MinimumSide = 96;

    /// <summary>Scenes in the order of the first run that lists them; later runs add the ones it lacks.</summary>
    public static IReadOnlyList<SceneRow> ValidationRows(IReadOnlyList<RunRecord> runs)
    {
        var rows = new List<SceneRow>();
        foreach (var run in runs)
            foreach (var scene in run.Visuals?.Validation ?? Array.Empty<ValidationSceneVisual>())
            {
                if (rows.Any(r => r.Id == scene.Id)) continue;
                var predictions = runs.Select(other => other.Visuals?.Validation.FirstOrDefault(v => v.Id == scene.Id) is { } mine
                    ? other.VisualPath(mine.Prediction) : null).ToList();
                rows.Add(new SceneRow(scene.Id, run.VisualPath(scene.Image), run.VisualPath(scene.Truth), predictions));
            }
        return rows;
    }

    public static RgbImage ValidationGrid(IReadOnlyList<SceneRow> rows, IReadOnlyList<string> labels)
    {
        var cells = rows.Select(r => (IReadOnlyList<RgbImage?>)new[] { Load(r.Image), Load(r.Truth) }
            .Concat(r.Predictions.Select(p => p is null ? null : Load(p))).ToList()).ToList();
        var headers = new[] { "image", "ground truth" }.Concat(labels).ToList();
        return ImageGrid.Compose(cells, headers, rows.Select(r => r.Id).ToList());
    }

    /// <summary>One row per unlabelled scene of the run, the four pictures of the paper's Fig. 2.</summary>
    public static RgbImage UnlabeledPanel(RunRecord run)
    {
        var scenes = run.Visuals!.Unlabeled;
        var cells = scenes.Select(s => (IReadOnlyList<RgbImage?>)new[]
            { Load(run.VisualPath(s.Image)), Load(run.VisualPath(s.Entropy)), Load(run.VisualPath(s.Partition)), Load(run.VisualPath(s.Pseudo)) }).ToList();
        var headers = new[] { "image", "entropy", "partition", "pseudo-label" };
        return ImageGrid.Compose(cells, headers, scenes.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Id} alpha_t={s.AlphaTPercent:0.##}%")).ToList());
    }

    private static RgbImage Load(string path)
    {
        RgbImage image;
        try
        {
            image = PngFile.Read(path);
        }
        catch (IOException e)
        {
            throw new ReportException($"{path}: cannot be read as a picture ({e.Message})", e);
        }
        var side = Math.Max(image.Height, image.Width);
        return image.Enlarged(Math.Clamp((MinimumSide + side - 1) / side, 1, 16));
    }
}
