namespace SemiSeg.Models;

/// <summary>
/// How to build a <see cref="ResNet"/> encoder. The defaults are U2PL's: ResNet-101 with the deep
/// stem, layer3 and layer4 dilated instead of strided (output stride 8). <see cref="Width"/> 64 is
/// the standard network; smaller widths give the narrow variants used for CPU training and tests.
/// </summary>
public sealed record ResNetOptions
{
    /// <summary>18, 34 (basic blocks), 50 or 101 (bottleneck blocks).</summary>
    public int Depth { get; init; } = 101;

    /// <summary>
    /// U2PL's stem (three 3x3 convs, 2 x Width channels, ceil-mode max pool; the official ImageNet weights
    /// are for it) instead of torchvision's single 7x7 conv with Width channels.
    /// </summary>
    public bool DeepStem { get; init; } = true;

    /// <summary>Channels of layer1's 3x3 convs; layer k has Width * 2^(k-1), times 4 after a bottleneck.</summary>
    public int Width { get; init; } = 64;

    public int InChannels { get; init; } = 3;

    /// <summary>For layer2, layer3, layer4: keep the resolution and dilate instead of striding by 2.</summary>
    public IReadOnlyList<bool> ReplaceStrideWithDilation { get; init; } = new[] { false, true, true };

    /// <summary>Dilation rates (2, 2, 4) times the stage's dilation across layer4's blocks (DeepLabv3's multi-grid).</summary>
    public bool MultiGrid { get; init; }

    /// <summary>Zero the scale of each residual branch's last batch norm, so each block starts as the identity (Goyal et al. 2017).</summary>
    public bool ZeroInitResidual { get; init; }

    /// <summary>The ReplaceStrideWithDilation that gives output stride 8, 16 or 32.</summary>
    public static IReadOnlyList<bool> DilationForOutputStride(int outputStride) => outputStride switch
    {
        8 => new[] { false, true, true },
        16 => new[] { false, false, true },
        32 => new[] { false, false, false },
        _ => throw new ArgumentOutOfRangeException(nameof(outputStride), outputStride, "output stride must be 8, 16 or 32"),
    };

    /// <summary>Input size over the size of layer4's output (up to rounding).</summary>
    public int OutputStride => 32 >> ReplaceStrideWithDilation.Count(d => d);

    public bool UsesBottleneck => Depth is 50 or 101;
    public int Expansion => UsesBottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

    /// <summary>Blocks per stage, as in He et al. 2016.</summary>
    public IReadOnlyList<int> BlockCounts => Depth switch
    {
        18 => new[] { 2, 2, 2, 2 },
        34 or 50 => new[] { 3, 4, 6, 3 },
        101 => new[] { 3, 4, 23, 3 },
        _ => throw new ArgumentOutOfRangeException(nameof(Depth), Depth, "ResNet depth must be 18, 34, 50 or 101"),
    };

    /// <summary>Output channels of layer1..layer4.</summary>
    public IReadOnlyList<long> StageChannels => new long[] { 1, 2, 4, 8 }.Select(m => m * Width * Expansion).ToArray();

    /// <summary>Throws ArgumentException naming the first bad property.</summary>
    public void Validate()
    {
        _ = BlockCounts;
        if (Width < 1) throw new ArgumentException($"Width must be positive, got {Width}", nameof(Width));
        if (InChannels < 1) throw new ArgumentException($"InChannels must be positive, got {InChannels}", nameof(InChannels));
        if (ReplaceStrideWithDilation is not { Count: 3 })
            throw new ArgumentException($"ReplaceStrideWithDilation needs 3 flags (layer2, layer3, layer4), got {ReplaceStrideWithDilation?.Count ?? 0}",
                                        nameof(ReplaceStrideWithDilation));
        if (MultiGrid && BlockCounts[3] > 3)
            throw new ArgumentException($"MultiGrid has 3 rates but layer4 of ResNet-{Depth} has {BlockCounts[3]} blocks", nameof(MultiGrid));
    }
}
