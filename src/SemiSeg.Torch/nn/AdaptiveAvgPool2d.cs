namespace SemiSeg.Torch.nn;

/// <summary>Averages each channel over regions that produce a fixed output size (nn.AdaptiveAvgPool2d).</summary>
public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    public long OutputHeight { get; }
    public long OutputWidth { get; }

    public AdaptiveAvgPool2d(long outputHeight, long outputWidth)
    {
        if (outputHeight < 1 || outputWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(outputHeight), $"output size must be positive, got {outputHeight}x{outputWidth}");
        (OutputHeight, OutputWidth) = (outputHeight, outputWidth);
    }

    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, OutputHeight, OutputWidth);
}
