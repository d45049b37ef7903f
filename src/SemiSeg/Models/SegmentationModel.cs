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

    /// <summary>
    /// Mixed precision of <see cref="Forward"/>: when on, the encoder, decoder and aux head run under
    /// libtorch's autocast for the images' device type (convolutions in bf16 / fp16, autocast's fp32
    /// list in float32, as torch.autocast) and the outputs are cast back to float32, so that what
    /// consumes them (losses, the pseudo-labels' softmax and entropy, the memory bank, evaluation)
    /// runs in float32 as before. The weights stay float32. Off by default.
    /// </summary>
    public AmpMode Amp { get; set; } = AmpMode.Off;

    /// <summary>Images (N, C, H, W) to logits, representation and aux logits at the decoder's resolution.</summary>
    public override SegmentationOutput Forward(Tensor images)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        SegmentationOutput output;
        using (var autocast = Amp.Dtype is { } dtype ? Torch.Torch.Autocast(images.Device.Type, dtype) : null)
        {
            var features = Encoder.Forward(images);
            output = Decoder.Forward(features);
            if (Auxiliary is not null) output = output with { Auxiliary = Auxiliary.Forward(features.Stage3) };
        }
        return new SegmentationOutput(scope.MoveToOuter(ToFloat32(output.Prediction)),
                                      output.Representation is null ? null : scope.MoveToOuter(ToFloat32(output.Representation)),
                                      output.Auxiliary is null ? null : scope.MoveToOuter(ToFloat32(output.Auxiliary)));
    }

    /// <summary>An autocast output back in float32 (differentiable); a float32 one unchanged.</summary>
    private static Tensor ToFloat32(Tensor t) => t.Dtype == ScalarType.Float32 ? t : t.To(ScalarType.Float32);
}
