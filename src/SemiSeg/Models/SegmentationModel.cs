using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// U2PL's network: a ResNet encoder ("encoder"), a DeepLab decoder ("decoder") and optionally the
/// stage-3 auxiliary head ("auxor"), named as the official ModelBuilder so that an official
/// checkpoint's state dict (model_state / teacher_state, after removing the "module." prefix of
/// DistributedDataParallel) maps key for key. Build one with <see cref="ModelBuilder"/>.
/// </summary>
public sealed class SegmentationModel : Module<Tensor, SegmentationOutput>
{
    public NetConfig Config { get; }
    public ResNet Encoder { get; }
    public SegmentationDecoder Decoder { get; }
    public AuxiliaryHead? Auxiliary { get; }

    public SegmentationModel(NetConfig config, ResNet encoder, SegmentationDecoder decoder, AuxiliaryHead? auxiliary = null)
    {
        Config = config;
        Encoder = RegisterModule("encoder", encoder);
        Decoder = RegisterModule("decoder", decoder);
        if (auxiliary is not null) Auxiliary = RegisterModule("auxor", auxiliary);
    }

    /// <summary>The pre-trained part, which U2PL trains at the base learning rate.</summary>
    public IEnumerable<Tensor> EncoderParameters() => Encoder.Parameters();

    /// <summary>The new parts (decoder and aux head), which U2PL trains at ten times the base learning rate.</summary>
    public IEnumerable<Tensor> HeadParameters() =>
        Auxiliary is null ? Decoder.Parameters() : Decoder.Parameters().Concat(Auxiliary.Parameters());

    /// <summary>Images (N, C, H, W) to logits, representation and aux logits at the decoder's resolution.</summary>
    public override SegmentationOutput Forward(Tensor images)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var features = Encoder.Forward(images);
        var output = Decoder.Forward(features);
        if (Auxiliary is not null) output = output with { Auxiliary = Auxiliary.Forward(features.Stage3) };
        return new SegmentationOutput(scope.MoveToOuter(output.Prediction),
                                      output.Representation is null ? null : scope.MoveToOuter(output.Representation),
                                      output.Auxiliary is null ? null : scope.MoveToOuter(output.Auxiliary));
    }
}
