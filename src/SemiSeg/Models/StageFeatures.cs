namespace SemiSeg.Models;

/// <summary>
/// The four stage outputs of a ResNet encoder, (N, C_k, H_k, W_k) each: Stage1 at stride 4, the others
/// at stride 8, 16, 32 unless dilation keeps them finer. Disposing releases all four.
/// </summary>
public sealed record StageFeatures(Tensor Stage1, Tensor Stage2, Tensor Stage3, Tensor Stage4) : IDisposable
{
    public IReadOnlyList<Tensor> All => new[] { Stage1, Stage2, Stage3, Stage4 };

    public void Dispose()
    {
        foreach (var t in All) t.Dispose();
    }
}
