namespace SemiSeg.Data;

/// <summary>One sample on disk: its id (as in the split file), image path and label path (null when it has none).</summary>
public sealed record SampleFiles(string Id, string ImagePath, string? LabelPath);
