namespace SemiSeg.Methods;

/// <summary>
/// What the contrastive loss reads from one step, all at the representation's resolution (h, w)
/// and for the labelled images followed by the unlabelled ones.
/// </summary>
/// <param name="StudentRepresentations">(B, D, h, w) from the student's representation head, with gradients (anchors).</param>
/// <param name="TeacherRepresentations">(B, D, h, w) from the teacher (positives and memory-bank keys).</param>
/// <param name="TeacherProbabilities">(B, C, h, w) softmax of the teacher's logits (not resized).</param>
/// <param name="Targets">Labels and masks resized to (h, w).</param>
public sealed record ContrastiveInputs(Tensor StudentRepresentations, Tensor TeacherRepresentations, Tensor TeacherProbabilities, ContrastiveTargets Targets);
