namespace SemiSeg.Methods;

/// <summary>
/// One replica's share of the contrastive loss before any sampling (<see cref="ContrastiveLoss.Prepare"/>):
/// per class, the flat pixel indices of its anchor candidates (Eq. 9-11), its centre (Eq. 12) and the
/// teacher features of this batch's negatives (Eq. 13-15). The memory bank takes every replica's
/// negatives before any replica samples, as the official all_gather does, so the loss is computed in
/// two halves around <see cref="ContrastiveLoss.Enqueue"/>. The tensors belong to the dispose scope
/// that was open when the batch was prepared.
/// </summary>
public sealed class ContrastiveBatch
{
    internal ContrastiveBatch(Tensor student, Tensor studentPixels, Tensor centres, Tensor[] anchorPixels, Tensor[] negatives, long[] lowCounts)
    {
        Student = student;
        StudentPixels = studentPixels;
        Centres = centres;
        AnchorPixels = anchorPixels;
        Negatives = negatives;
        LowCounts = lowCounts;
    }

    /// <summary>(B, D, h, w) student representations, with gradients (not owned: the caller's tensor).</summary>
    public Tensor Student { get; }

    /// <summary>(P, D) the student representations in (b, y, x) pixel order.</summary>
    public Tensor StudentPixels { get; }

    /// <summary>(C, D) the mean teacher feature over each class's low-mask pixels.</summary>
    public Tensor Centres { get; }

    /// <summary>Per class, the ascending flat indices of its anchor candidates.</summary>
    public Tensor[] AnchorPixels { get; }

    /// <summary>Per class, (n_c, D) teacher features of this batch's negatives.</summary>
    public Tensor[] Negatives { get; }

    /// <summary>Per class, how many low-mask pixels it has (a class is present when above 0).</summary>
    public long[] LowCounts { get; }

    /// <summary>The tensors this batch made (not <see cref="Student"/>).</summary>
    internal IEnumerable<Tensor> Tensors() => new[] { StudentPixels, Centres }.Concat(AnchorPixels).Concat(Negatives);
}
