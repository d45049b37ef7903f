namespace SemiSeg.Methods;

/// <summary>
/// Which unlabelled pixels may become negative samples (U2PL Table 4 and Table A2).
/// </summary>
public enum NegativeSource
{
    /// <summary>The top alpha_t entropy pixels (the method; official negative_high_entropy: True).</summary>
    Unreliable,

    /// <summary>The bottom alpha_t entropy pixels (Table 4 "reliable"; not in the official code).</summary>
    Reliable,

    /// <summary>Every pixel regardless of entropy (official negative_high_entropy: False).</summary>
    All,
}
