using System.Text.Json.Serialization;

namespace SemiSeg.Reporting;

/// <summary>A validation scene in visuals.json: its picture, ground truth and the run's prediction (file names in visuals/).</summary>
public sealed record ValidationSceneVisual(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("truth")] string Truth,
    [property: JsonPropertyName("prediction")] string Prediction);
