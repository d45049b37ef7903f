namespace SemiSeg.Methods;

/// <summary>
/// One training step's data and position. Images are normalised (B, 3, H, W) float on the training
/// device; labels (B, H, W) int64 with 255 for ignored pixels.
/// </summary>
public sealed record StepInput(
    Tensor LabeledImages,
    Tensor Labels,
    Tensor? UnlabeledImages,
    Tensor? StrongImages,
    int Epoch,
    int Epochs,
    long Iteration,
    long StepsPerEpoch,
    int[]? UnlabeledIndices = null)
{
    public long Height => Labels.Size(1);
    public long Width => Labels.Size(2);
}
