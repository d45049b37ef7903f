namespace SemiSeg.Models;

/// <summary>
/// The config's <c>net.aux_loss</c> section, present when the auxiliary head on stage 3 is on.
/// Official keys: aux_plane (stage-3 channels, 1024 for ResNet-101), loss_weight (0.4 on Cityscapes).
/// Ours: hidden_planes (256 officially).
/// </summary>
public sealed record AuxLossConfig
{
    public int AuxPlane { get; init; } = 1024;
    public double LossWeight { get; init; } = 0.4;
    public int HiddenPlanes { get; init; } = 256;

    public void Validate()
    {
        if (AuxPlane < 1) throw new ConfigException("net.aux_loss.aux_plane", $"must be a positive channel count, got {AuxPlane}");
        if (LossWeight < 0 || !double.IsFinite(LossWeight))
            throw new ConfigException("net.aux_loss.loss_weight", $"must be a finite non-negative weight, got {LossWeight}");
        if (HiddenPlanes < 1) throw new ConfigException("net.aux_loss.hidden_planes", $"must be a positive channel count, got {HiddenPlanes}");
    }
}
