namespace SemiSeg.Models;

/// <summary>Which decoder a config names.</summary>
public enum DecoderKind { DeepLabV3Plus, DeepLabV3 }

/// <summary>
/// The config's <c>net.decoder</c> section: <c>type</c> and its <c>kwargs</c>, flattened. Official keys:
/// type (u2pl.models.decoder.dec_deeplabv3_plus or dec_deeplabv3), inner_planes, dilations, rep_head.
/// Ours, for narrow CPU variants: head_planes (low_conv, head and hidden widths), rep_planes (the
/// representation's dimension), dropout.
/// </summary>
public sealed record DecoderConfig
{
    public string Type { get; init; } = "u2pl.models.decoder.dec_deeplabv3_plus";
    public int InnerPlanes { get; init; } = 256;
    public IReadOnlyList<int> Dilations { get; init; } = new[] { 12, 24, 36 };
    /// <summary>Build the representation head (DeepLabv3+ only; dec_deeplabv3 never has one).</summary>
    public bool RepHead { get; init; } = true;
    public int HeadPlanes { get; init; } = 256;
    public int RepPlanes { get; init; } = 256;
    public double Dropout { get; init; } = 0.1;

    /// <summary>
    /// iMAS's kwarg low_conv_planes: the channels of the 1x1 reduction of stage 1 in iMAS's decoder
    /// (imas/models/decoder.py:8-80). Setting it, or naming type imas.models.decoder.dec_deeplabv3_plus,
    /// selects that decoder (see <see cref="ImasLayout"/>).
    /// </summary>
    public int? LowConvPlanes { get; init; }

    /// <summary>iMAS's default low_conv_planes (imas/models/decoder.py:17).</summary>
    public const int ImasLowConvPlanes = 48;

    private const string ImasPrefix = "imas.models.decoder.";

    /// <summary>
    /// iMAS's DeepLabv3+ layout (<see cref="ImasDeepLabV3Plus"/>): low_conv to low_conv_planes, a 1x1
    /// head, bias-free classifier convs, no dropout and no representation head; its auxiliary head has
    /// no bias and no dropout either. The official VOC runs name u2pl.models.decoder.dec_deeplabv3_plus
    /// with low_conv_planes: 48 (their log headers), which only iMAS's decoder accepts.
    /// </summary>
    public bool ImasLayout => Kind == DecoderKind.DeepLabV3Plus && (LowConvPlanes is not null || Type.StartsWith(ImasPrefix, StringComparison.Ordinal));

    /// <summary>The decoder named by <see cref="Type"/>, or null when it is not one we build.</summary>
    public DecoderKind? Kind
    {
        get
        {
            var name = Type.StartsWith("u2pl.models.decoder.", StringComparison.Ordinal) ? Type["u2pl.models.decoder.".Length..]
                : Type.StartsWith(ImasPrefix, StringComparison.Ordinal) ? Type[ImasPrefix.Length..] : Type;
            return name switch
            {
                "dec_deeplabv3_plus" or "deeplabv3_plus" => DecoderKind.DeepLabV3Plus,
                "dec_deeplabv3" or "deeplabv3" => DecoderKind.DeepLabV3,
                _ => null,
            };
        }
    }

    public void Validate()
    {
        const string Kwargs = "net.decoder.kwargs";
        if (Kind is null)
            throw new ConfigException("net.decoder.type",
                $"'{Type}' is not a supported decoder; use u2pl.models.decoder.dec_deeplabv3_plus or dec_deeplabv3");
        if (InnerPlanes < 1) throw new ConfigException($"{Kwargs}.inner_planes", $"must be a positive channel count, got {InnerPlanes}");
        if (HeadPlanes < 1) throw new ConfigException($"{Kwargs}.head_planes", $"must be a positive channel count, got {HeadPlanes}");
        if (RepPlanes < 1) throw new ConfigException($"{Kwargs}.rep_planes", $"must be a positive channel count, got {RepPlanes}");
        if (Dilations is not { Count: 3 } || Dilations.Any(d => d < 1))
            throw new ConfigException($"{Kwargs}.dilations",
                $"needs 3 positive rates such as [12, 24, 36] or [6, 12, 18], got [{string.Join(", ", Dilations ?? Array.Empty<int>())}]");
        if (Dropout is < 0 or >= 1) throw new ConfigException($"{Kwargs}.dropout", $"must be in [0, 1), got {Dropout}");
        if (LowConvPlanes is < 1) throw new ConfigException($"{Kwargs}.low_conv_planes", $"must be a positive channel count, got {LowConvPlanes}");
        if (LowConvPlanes is not null && Kind != DecoderKind.DeepLabV3Plus)
            throw new ConfigException($"{Kwargs}.low_conv_planes", "applies to iMAS's dec_deeplabv3_plus only");
        if (ImasLayout && RepHead)
            throw new ConfigException($"{Kwargs}.rep_head", "iMAS's dec_deeplabv3_plus has no representation head (its code for one is commented out)");
    }
}
