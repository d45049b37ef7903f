namespace SemiSeg.Data;

/// <summary>A batch as tensors: images (B, 3, H, W) float, labels (B, H, W) int64, optional strong images. Disposing frees them.</summary>
public sealed class TensorBatch : IDisposable
{
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public Tensor? StrongImages { get; }
    public IReadOnlyList<string> Ids { get; }

    internal TensorBatch(Tensor images, Tensor labels, Tensor? strongImages, IReadOnlyList<string> ids)
    {
        Images = images; Labels = labels; StrongImages = strongImages; Ids = ids;
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        StrongImages?.Dispose();
    }
}
