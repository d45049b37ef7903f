namespace SemiSeg.Reporting;

/// <summary>Which point of a text the given position names, along the reading direction.</summary>
internal enum TextAnchor
{
    Start,
    Middle,
    End,
}
