namespace SemiSeg.Data;

/// <summary>How much a dataset checks when it is opened; whatever is not checked then is checked when a sample is read.</summary>
public enum DatasetScan
{
    /// <summary>Every file named by the split exists (fast; the default).</summary>
    Files,
    /// <summary>Also reads image headers: sizes match and files are not truncated.</summary>
    Headers,
    /// <summary>Decodes every image and label: also checks every label value.</summary>
    Full,
}
