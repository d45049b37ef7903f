using System.Text.Json.Serialization;

namespace SemiSeg.Reporting;

/// <summary>
/// visuals/visuals.json: which pictures a run wrote at its end. Entropy maps are scaled from 0
/// to <see cref="EntropyMax"/> (ln of the class count, the entropy of a uniform prediction).
/// </summary>
public sealed record VisualsManifest(
    [property: JsonPropertyName("class_count")] int ClassCount,
    [property: JsonPropertyName("entropy_max")] double EntropyMax,
    [property: JsonPropertyName("validation")] IReadOnlyList<ValidationSceneVisual> Validation,
    [property: JsonPropertyName("unlabeled")] IReadOnlyList<UnlabeledSceneVisual> Unlabeled);
