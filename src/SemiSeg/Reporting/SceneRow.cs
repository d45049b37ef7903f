namespace SemiSeg.Reporting;

/// <summary>
/// One validation scene of the Fig. 4 grid: its picture and ground truth (from the first run
/// that has the scene) and each run's prediction, null for a run without it. Full paths.
/// </summary>
internal sealed record SceneRow(string Id, string Image, string Truth, IReadOnlyList<string?> Predictions);
