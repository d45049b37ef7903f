namespace SemiSeg.Models;

/// <summary>Builds the network a <see cref="NetConfig"/> describes (the official ModelBuilder, without string lookups).</summary>
public static class ModelBuilder
{
    /// <summary>Validates the config and builds encoder, decoder and (when configured) the auxiliary head, drawing initial weights from <paramref name="generator"/>.</summary>
    public static SegmentationModel Build(NetConfig config, Generator? generator = null)
    {
        config.Validate();
        var encoder = new ResNet(config.Encoder.ToResNetOptions(), generator);
        try
        {
            var stages = encoder.StageChannels;
            var d = config.Decoder;
            var dilations = d.Dilations.Select(r => (long)r).ToArray();
            SegmentationDecoder decoder = d.Kind switch
            {
                DecoderKind.DeepLabV3Plus when d.ImasLayout => new ImasDeepLabV3Plus(stages[3], stages[0], config.NumClasses, d.InnerPlanes, d.HeadPlanes,
                                                                                      d.LowConvPlanes ?? DecoderConfig.ImasLowConvPlanes, dilations, generator),
                DecoderKind.DeepLabV3Plus => new DeepLabV3Plus(stages[3], stages[0], config.NumClasses, d.InnerPlanes, d.HeadPlanes,
                                                               d.RepPlanes, dilations, d.RepHead, d.Dropout, generator),
                DecoderKind.DeepLabV3 => new DeepLabV3(stages[3], config.NumClasses, d.InnerPlanes, d.HeadPlanes, dilations, d.Dropout, generator),
                _ => throw new ConfigException("net.decoder.type", $"'{d.Type}' is not a supported decoder"),
            };
            var auxiliary = config.AuxLoss is not { } aux ? null
                : d.ImasLayout ? AuxiliaryHead.Imas(stages[2], config.NumClasses, aux.HiddenPlanes, generator)
                : new AuxiliaryHead(stages[2], config.NumClasses, aux.HiddenPlanes, d.Dropout, generator);
            return new SegmentationModel(config, encoder, decoder, auxiliary);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }
}
