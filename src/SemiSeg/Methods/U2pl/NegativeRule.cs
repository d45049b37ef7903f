namespace SemiSeg.Methods;

/// <summary>
/// How the negative mask of class c is formed from the rank thresholds (U2PL Eq. 13-15).
/// </summary>
public enum NegativeRule
{
    /// <summary>
    /// Eq. 14-15 as written: a labelled pixel is a negative of c when its label is not c and c is
    /// within its top r_l classes; an unlabelled pixel when it is in the negative source and c ranks
    /// in [r_l, r_h).
    /// </summary>
    Paper,

    /// <summary>
    /// The official compute_contra_memobank_loss, which also requires the pixel's (pseudo-)label to
    /// BE c (high_valid_pixel is the one-hot label times the high mask). For labelled pixels that
    /// contradicts "label is not c", so they never yield negatives; unlabelled pixels do only when
    /// the second teacher pass ranks their first-pass label c in [r_l, r_h). Kept to reproduce the
    /// official runs; see docs/u2pl-paper-vs-code.md and U2PL issues #27 and #171.
    /// </summary>
    Official,
}
