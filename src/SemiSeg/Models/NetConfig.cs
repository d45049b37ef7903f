namespace SemiSeg.Models;

/// <summary>
/// The config's <c>net:</c> section with the official U2PL keys (num_classes, sync_bn, ema_decay,
/// aux_loss, encoder, decoder); <see cref="NetConfigYaml"/> reads it from a file. The defaults are
/// U2PL's PASCAL VOC network (ResNet-101, output stride 8, multi-grid, DeepLabv3+ with the
/// representation head); <see cref="Cityscapes"/> and <see cref="CpuSmall"/> are the other presets.
/// </summary>
public sealed record NetConfig
{
    public int NumClasses { get; init; } = 21;

    /// <summary>Cross-process batch norm in the official multi-GPU runs; one process here, so it is plain batch norm (same weights).</summary>
    public bool SyncBn { get; init; } = true;

    /// <summary>Weight of the teacher's old parameters in the mean-teacher update (the trainer uses it).</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>
    /// Ours (net.ema_buffers): the teacher's batch-norm statistics are copied and averaged with its
    /// parameters (as iMAS does) instead of being its own, renewed only by its train-mode passes as in
    /// the official U2PL loop. Off by default; a diagnostic of the first semi-supervised steps, whose
    /// pseudo-labels otherwise come from statistics that belong to the teacher's initial weights.
    /// </summary>
    public bool EmaBuffers { get; init; }

    /// <summary>The auxiliary head on stage 3, or null when off.</summary>
    public AuxLossConfig? AuxLoss { get; init; }

    public EncoderConfig Encoder { get; init; } = new();
    public DecoderConfig Decoder { get; init; } = new();

    /// <summary>True when the built network returns a representation.</summary>
    public bool HasRepresentation => Decoder.Kind == DecoderKind.DeepLabV3Plus && Decoder.RepHead;

    /// <summary>U2PL's PASCAL VOC 2012 network (experiments/pascal/*/ours): 21 classes, no aux head.</summary>
    public static NetConfig PascalVoc() => new();

    /// <summary>U2PL's Cityscapes network (experiments/cityscapes/*/ours): 19 classes, aux head on stage 3 with weight 0.4.</summary>
    public static NetConfig Cityscapes() => new() { NumClasses = 19, AuxLoss = new AuxLossConfig() };

    /// <summary>
    /// A network small enough to train on a CPU: ResNet-18 (deep stem) at half width, output stride 8,
    /// DeepLabv3+ with 64-channel ASPP branches and heads and a 64-d representation. ASPP rates are
    /// DeepLabv3's (6, 12, 18): on the 13x13 stage-4 map of a 96x96 crop, rates 24 and 36 would see only padding.
    /// </summary>
    public static NetConfig CpuSmall(int numClasses) => new()
    {
        NumClasses = numClasses,
        SyncBn = false,
        Encoder = new EncoderConfig { Type = "resnet18", Width = 32, ZeroInitResidual = true, MultiGrid = true },
        Decoder = new DecoderConfig { InnerPlanes = 64, HeadPlanes = 64, RepPlanes = 64, Dilations = new[] { 6, 12, 18 } },
    };

    /// <summary>Throws <see cref="ConfigException"/> naming the first bad key.</summary>
    public void Validate()
    {
        if (NumClasses < 1) throw new ConfigException("net.num_classes", $"must be at least 1, got {NumClasses}");
        if (EmaDecay is < 0 or >= 1 || double.IsNaN(EmaDecay)) throw new ConfigException("net.ema_decay", $"must be in [0, 1), got {EmaDecay}");
        Encoder.Validate();
        Decoder.Validate();
        if (Decoder.Kind == DecoderKind.DeepLabV3Plus && !Encoder.Fpn)
            throw new ConfigException("net.encoder.kwargs.fpn", "must be true with dec_deeplabv3_plus, which fuses stage 1");
        if (AuxLoss is null) return;
        AuxLoss.Validate();
        var stage3 = Encoder.ToResNetOptions().StageChannels[2];
        if (AuxLoss.AuxPlane != stage3)
            throw new ConfigException("net.aux_loss.aux_plane",
                $"is {AuxLoss.AuxPlane} but stage 3 of {Encoder.Type} (width {Encoder.Width}) has {stage3} channels");
    }
}
