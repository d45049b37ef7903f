namespace SemiSeg.Export;

/// <summary>
/// Keys of an exported model's metadata_props. SemiSeg.Inference reads the same keys (its
/// SegmentationModelInfo); the round-trip test in tests/SemiSeg.Tests/Export keeps the two in step.
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>Per-channel RGB mean on the 0..255 scale, comma-separated: input = (pixel - mean) / std.</summary>
    public const string Mean = "semiseg.mean";

    /// <summary>Per-channel RGB std on the 0..255 scale, comma-separated.</summary>
    public const string Std = "semiseg.std";

    /// <summary>Class names in label order, as a JSON array of strings.</summary>
    public const string ClassNames = "semiseg.class_names";

    /// <summary>"HxW": the window of sliding-window inference the config evaluates with, when it does.</summary>
    public const string Window = "semiseg.window";

    /// <summary>Where the weights came from (checkpoint path and network), for the record.</summary>
    public const string Source = "semiseg.source";
}
