namespace SemiSeg.Models;

/// <summary>
/// The config's <c>net.encoder</c> section: <c>type</c> and its <c>kwargs</c>, flattened. Official keys:
/// type (u2pl.models.resnet.resnet18/34/50/101, or the short name), multi_grid, zero_init_residual,
/// fpn, replace_stride_with_dilation. Ours: deep_stem (U2PL's stem, on by default), width, in_channels.
/// </summary>
public sealed record EncoderConfig
{
    public string Type { get; init; } = "u2pl.models.resnet.resnet101";
    public bool MultiGrid { get; init; } = true;
    public bool ZeroInitResidual { get; init; } = true;

    /// <summary>
    /// Official switch for returning all four stages instead of stages 3 and 4. Our encoder always returns
    /// four, so it changes nothing here; it must be true with DeepLabv3+, which needs stage 1, as officially.
    /// </summary>
    public bool Fpn { get; init; } = true;

    public IReadOnlyList<bool> ReplaceStrideWithDilation { get; init; } = new[] { false, true, true };
    public bool DeepStem { get; init; } = true;
    public int Width { get; init; } = 64;
    public int InChannels { get; init; } = 3;

    private static readonly int[] Depths = { 18, 34, 50, 101 };

    /// <summary>The ResNet depth named by <see cref="Type"/>, or null when the type is not one we build.</summary>
    public int? Depth
    {
        get
        {
            var name = Type.StartsWith("u2pl.models.resnet.", StringComparison.Ordinal) ? Type["u2pl.models.resnet.".Length..] : Type;
            if (!name.StartsWith("resnet", StringComparison.Ordinal) || !int.TryParse(name["resnet".Length..], out var depth)) return null;
            return Depths.Contains(depth) ? depth : null;
        }
    }

    public ResNetOptions ToResNetOptions() => new()
    {
        Depth = Depth ?? throw new ConfigException("net.encoder.type", $"'{Type}' is not a supported encoder"),
        DeepStem = DeepStem,
        Width = Width,
        InChannels = InChannels,
        ReplaceStrideWithDilation = ReplaceStrideWithDilation.ToArray(),
        MultiGrid = MultiGrid,
        ZeroInitResidual = ZeroInitResidual,
    };

    public void Validate()
    {
        const string Kwargs = "net.encoder.kwargs";
        if (Depth is null)
            throw new ConfigException("net.encoder.type",
                $"'{Type}' is not a supported encoder; use u2pl.models.resnet.resnet18, resnet34, resnet50 or resnet101");
        if (Width < 1) throw new ConfigException($"{Kwargs}.width", $"must be a positive channel count, got {Width}");
        if (InChannels < 1) throw new ConfigException($"{Kwargs}.in_channels", $"must be positive, got {InChannels}");
        if (ReplaceStrideWithDilation is not { Count: 3 })
            throw new ConfigException($"{Kwargs}.replace_stride_with_dilation",
                $"needs 3 booleans (layer2, layer3, layer4), got {ReplaceStrideWithDilation?.Count ?? 0}");
    }
}
