using System.Text.Json.Serialization;

namespace SemiSeg.Reporting;

/// <summary>
/// U2PL's view of an unlabelled scene in visuals.json (the paper's Fig. 2): file names in
/// visuals/, the unreliable percent alpha_t the partition used, and the percent of valid
/// pixels that actually came out unreliable.
/// </summary>
public sealed record UnlabeledSceneVisual(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("entropy")] string Entropy,
    [property: JsonPropertyName("partition")] string Partition,
    [property: JsonPropertyName("pseudo")] string Pseudo,
    [property: JsonPropertyName("alpha_t_percent")] double AlphaTPercent,
    [property: JsonPropertyName("unreliable_percent")] double UnreliablePercent);
