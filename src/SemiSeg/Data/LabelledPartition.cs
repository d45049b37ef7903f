namespace SemiSeg.Data;

/// <summary>A training set divided into labelled entries and the unlabelled rest.</summary>
public sealed record LabelledPartition(IReadOnlyList<string> Labelled, IReadOnlyList<string> Unlabelled);
