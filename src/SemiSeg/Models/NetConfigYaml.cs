using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SemiSeg.Models;

/// <summary>
/// Reads the <c>net:</c> section of a U2PL config file (the official experiments/*/config.yaml layout)
/// into a <see cref="NetConfig"/>. Absent keys take the record's defaults, which are the values of
/// U2PL's published configs (not the Python constructors' defaults); unknown keys are errors.
/// </summary>
public static class NetConfigYaml
{
    /// <summary>Reads and validates the net: section of the file at <paramref name="path"/>.</summary>
    public static NetConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"config file not found: {path}", path);
        try
        {
            return FromRoot(ParseRoot(File.ReadAllText(path), path));
        }
        catch (ConfigException e) when (e.Source is null)
        {
            throw e.InFile(path);
        }
    }

    /// <summary>Reads and validates the net: section of config text.</summary>
    public static NetConfig Parse(string yaml) => FromRoot(ParseRoot(yaml, "<text>"));

    /// <summary>The top-level mapping of a config document.</summary>
    public static YamlMappingNode ParseRoot(string yaml, string source)
    {
        SemiSeg.Config.YamlDepth.Ensure(yaml, source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"line {e.Start.Line}", $"not valid YAML: {e.Message}", source);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException("(root)", "expected a mapping of sections such as net:, dataset:, trainer:", source);
        return root;
    }

    public static NetConfig FromRoot(YamlMappingNode root)
    {
        var net = new YamlSection(root, "").Section("net") ?? throw new ConfigException("net", "the section is missing");
        return FromNet(net);
    }

    internal static NetConfig FromNet(YamlSection net)
    {
        var defaults = new NetConfig();
        var config = new NetConfig
        {
            NumClasses = net.Has("num_classes") ? net.Int("num_classes", 0) : throw new ConfigException("net.num_classes", "is required"),
            SyncBn = net.Bool("sync_bn", defaults.SyncBn),
            EmaDecay = net.Double("ema_decay", defaults.EmaDecay),
            EmaBuffers = net.Bool("ema_buffers", defaults.EmaBuffers),
            AuxLoss = net.Section("aux_loss") is { } aux ? ReadAux(aux) : null,
            Encoder = ReadEncoder(net.Section("encoder") ?? throw new ConfigException("net.encoder", "is required")),
            Decoder = ReadDecoder(net.Section("decoder") ?? throw new ConfigException("net.decoder", "is required")),
        };
        net.RejectUnknownKeys();
        config.Validate();
        return config;
    }

    private static AuxLossConfig ReadAux(YamlSection aux)
    {
        var d = new AuxLossConfig();
        var config = new AuxLossConfig
        {
            AuxPlane = aux.Int("aux_plane", d.AuxPlane),
            LossWeight = aux.Double("loss_weight", d.LossWeight),
            HiddenPlanes = aux.Int("hidden_planes", d.HiddenPlanes),
        };
        aux.RejectUnknownKeys();
        return config;
    }

    private static EncoderConfig ReadEncoder(YamlSection encoder)
    {
        var d = new EncoderConfig();
        var type = encoder.String("type", d.Type);
        var kwargs = encoder.Section("kwargs");
        encoder.RejectUnknownKeys();
        if (kwargs is null) return d with { Type = type };
        var config = new EncoderConfig
        {
            Type = type,
            MultiGrid = kwargs.Bool("multi_grid", d.MultiGrid),
            ZeroInitResidual = kwargs.Bool("zero_init_residual", d.ZeroInitResidual),
            Fpn = kwargs.Bool("fpn", d.Fpn),
            ReplaceStrideWithDilation = kwargs.Bools("replace_stride_with_dilation") ?? d.ReplaceStrideWithDilation,
            DeepStem = kwargs.Bool("deep_stem", d.DeepStem),
            Width = kwargs.Int("width", d.Width),
            InChannels = kwargs.Int("in_channels", d.InChannels),
        };
        // sync_bn is filled in by the official builder from net.sync_bn; accept it here too.
        kwargs.Bool("sync_bn", false);
        kwargs.RejectUnknownKeys();
        return config;
    }

    private static DecoderConfig ReadDecoder(YamlSection decoder)
    {
        var d = new DecoderConfig();
        var type = decoder.String("type", d.Type);
        var kwargs = decoder.Section("kwargs");
        decoder.RejectUnknownKeys();
        var config = new DecoderConfig
        {
            Type = type,
            LowConvPlanes = kwargs is not null && kwargs.Has("low_conv_planes") ? kwargs.Int("low_conv_planes", DecoderConfig.ImasLowConvPlanes) : null,
        };
        // iMAS's decoder has no representation head and no dropout.
        var imas = config.ImasLayout;
        if (imas) config = config with { RepHead = false, Dropout = 0 };
        if (kwargs is null) return config;
        if (imas && kwargs.Has("dropout"))
            throw new ConfigException($"{kwargs.Path}.dropout", "iMAS's dec_deeplabv3_plus has no dropout");
        var plain = config.Kind == DecoderKind.DeepLabV3;
        if (plain && kwargs.Bool("rep_head", false))
            throw new ConfigException($"{kwargs.Path}.rep_head", "dec_deeplabv3 has no representation head");
        config = config with
        {
            InnerPlanes = kwargs.Int("inner_planes", d.InnerPlanes),
            Dilations = kwargs.Ints("dilations") ?? d.Dilations,
            RepHead = !plain && kwargs.Bool("rep_head", config.RepHead),
            HeadPlanes = kwargs.Int("head_planes", d.HeadPlanes),
            RepPlanes = kwargs.Int("rep_planes", d.RepPlanes),
            Dropout = kwargs.Double("dropout", config.Dropout),
        };
        kwargs.RejectUnknownKeys();
        return config;
    }
}
