using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using SemiSeg.Models;
using SemiSeg.Torch.nn;
using SemiSeg.Training;

namespace SemiSeg.Export;

/// <summary>
/// Writes a <see cref="SegmentationModel"/>'s eval-mode forward as an ONNX model, node by node from
/// our own module tree (the encoder's stages, the ASPP, the decoder's heads), with the weights of
/// every conv and batch norm as initializers named by their state-dict keys. The graph takes the
/// normalised image (N, 3, H, W) and gives "logits" and "probabilities" (softmax over classes), both
/// (N, classes, H, W): the decoder's logits upsampled to the input bilinearly with align_corners, as
/// the evaluation does. Dropout is the identity in eval mode and the representation and auxiliary
/// heads are left out. Mean, std and class names go into metadata_props (<see cref="OnnxMetadataKeys"/>).
/// </summary>
public static class OnnxExporter
{
    /// <summary>Opset 17: Shape with start/end, Resize with sizes; the newest that ONNX 1.12's schema (Export/onnx.proto) describes.</summary>
    public const long Opset = 17;

    public const string InputName = "image";
    public const string LogitsName = "logits";
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Exports and writes atomically (temp file + rename), so an interrupted export leaves no half file.</summary>
    public static void Write(SegmentationModel model, OnnxExportOptions options, string path)
    {
        var bytes = Export(model, options).ToByteArray();
        AtomicFile.Write(path, temp => File.WriteAllBytes(temp, bytes));
    }

    internal static ModelProto Export(SegmentationModel model, OnnxExportOptions options)
    {
        options.Validate(model.Config.NumClasses);
        var builder = new OnnxGraphBuilder();
        var graph = builder.Graph;
        graph.Input.Add(ValueInfo(InputName, "batch", 3, options.Height, options.Width));
        var (stage1, stage4) = EncoderGraph(builder, model.Encoder, InputName, "encoder");
        var logits = DecoderGraph(builder, model.Decoder, stage1, stage4, "decoder");
        logits = builder.ResizeBilinearAlignCornersLike(logits, InputName, "upsample");
        builder.Output(logits, LogitsName);
        builder.Output(builder.Softmax(LogitsName, "softmax"), ProbabilitiesName);
        graph.Output.Add(ValueInfo(LogitsName, "batch", model.Config.NumClasses, options.Height, options.Width));
        graph.Output.Add(ValueInfo(ProbabilitiesName, "batch", model.Config.NumClasses, options.Height, options.Width));

        var proto = new ModelProto
        {
            IrVersion = 8, ProducerName = "SemiSeg", ProducerVersion = "1", Graph = graph,
            DocString = "SemiSeg segmentation network: normalised RGB image (N, 3, H, W) to per-class logits and probabilities (N, C, H, W).",
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in Metadata(options))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    private static IEnumerable<(string, string)> Metadata(OnnxExportOptions options)
    {
        static string Numbers(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        yield return (OnnxMetadataKeys.Mean, Numbers(options.Mean));
        yield return (OnnxMetadataKeys.Std, Numbers(options.Std));
        yield return (OnnxMetadataKeys.ClassNames, JsonSerializer.Serialize(options.ClassNames));
        if (options.Window is { } w) yield return (OnnxMetadataKeys.Window, $"{w.Height}x{w.Width}");
        if (options.Source is { } source) yield return (OnnxMetadataKeys.Source, source);
    }

    /// <summary>A float tensor's type; a null dimension becomes a named (dynamic) one.</summary>
    private static ValueInfoProto ValueInfo(string name, string batch, long channels, long? height, long? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = channels });
        shape.Dim.Add(height is { } h ? new TensorShapeProto.Types.Dimension { DimValue = h } : new TensorShapeProto.Types.Dimension { DimParam = "height" });
        shape.Dim.Add(width is { } w ? new TensorShapeProto.Types.Dimension { DimValue = w } : new TensorShapeProto.Types.Dimension { DimParam = "width" });
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>ResNet.Forward: stem, max pool (ceil mode with the deep stem), layer1..layer4; returns stage 1 and stage 4.</summary>
    private static (string Stage1, string Stage4) EncoderGraph(OnnxGraphBuilder g, ResNet encoder, string input, string path)
    {
        var x = Layer(g, Child(encoder, "conv1"), input, path + ".conv1");
        x = g.Relu(Layer(g, Child(encoder, "bn1"), x, path + ".bn1"), path);
        x = g.MaxPool(x, 3, 2, 1, ceilMode: encoder.Options.DeepStem, path);
        var stage1 = Layer(g, Child(encoder, "layer1"), x, path + ".layer1");
        var stage2 = Layer(g, Child(encoder, "layer2"), stage1, path + ".layer2");
        var stage3 = Layer(g, Child(encoder, "layer3"), stage2, path + ".layer3");
        return (stage1, Layer(g, Child(encoder, "layer4"), stage3, path + ".layer4"));
    }

    /// <summary>The decoders' Forward without the representation head (DeepLabV3Plus, ImasDeepLabV3Plus, DeepLabV3).</summary>
    private static string DecoderGraph(OnnxGraphBuilder g, SegmentationDecoder decoder, string stage1, string stage4, string path)
    {
        var high = Layer(g, Child(decoder, "head"), Layer(g, Child(decoder, "aspp"), stage4, path + ".aspp"), path + ".head");
        switch (decoder)
        {
            case DeepLabV3:
                return high;
            case DeepLabV3Plus or ImasDeepLabV3Plus:
                var low = Layer(g, Child(decoder, "low_conv"), stage1, path + ".low_conv");
                high = g.ResizeBilinearAlignCornersLike(high, low, path);
                var fused = g.Concat(new[] { low, high }, path);                    // (N, low + head, H/4, W/4)
                return Layer(g, Child(decoder, "classifier"), fused, path + ".classifier");
            default:
                throw new NotSupportedException($"ONNX export has no rule for the decoder {decoder.GetType().Name}");
        }
    }

    /// <summary>One module of the tree, by type: its eval-mode forward as nodes.</summary>
    private static string Layer(OnnxGraphBuilder g, Module module, string input, string path)
    {
        switch (module)
        {
            case Conv2d conv: return g.Conv(input, conv, path);
            case BatchNorm2d norm: return g.BatchNorm(input, norm, path);
            case ReLU: return g.Relu(input, path);
            case ChannelDropout or Dropout or Dropout2d or Identity: return input;
            case AdaptiveAvgPool2d { OutputHeight: 1, OutputWidth: 1 }: return g.GlobalAveragePool(input, path);
            case Sequential sequential:
                var x = input;
                foreach (var (name, child) in sequential.NamedChildren()) x = Layer(g, child, x, $"{path}.{name}");
                return x;
            case Bottleneck or BasicBlock: return ResidualBlock(g, module, input, path);
            case Aspp aspp: return AsppGraph(g, aspp, input, path);
            default: throw new NotSupportedException($"ONNX export has no rule for {path} ({module.GetType().Name})");
        }
    }

    /// <summary>Bottleneck / BasicBlock.Forward: conv-BN(-ReLU) pairs, plus the (downsampled) input, then ReLU.</summary>
    private static string ResidualBlock(OnnxGraphBuilder g, Module block, string input, string path)
    {
        var pairs = block is Bottleneck ? 3 : 2;
        var x = input;
        for (var k = 1; k <= pairs; k++)
        {
            x = Layer(g, Child(block, "conv" + k), x, $"{path}.conv{k}");
            x = Layer(g, Child(block, "bn" + k), x, $"{path}.bn{k}");
            if (k < pairs) x = g.Relu(x, path);
        }
        var identity = block.NamedChildren().Any(c => c.Name == "downsample") ? Layer(g, Child(block, "downsample"), input, path + ".downsample") : input;
        return g.Relu(g.Add(x, identity, path), path);
    }

    /// <summary>Aspp.Forward: the pooled branch spread over the map (align_corners), then the four conv branches, concatenated.</summary>
    private static string AsppGraph(OnnxGraphBuilder g, Aspp aspp, string input, string path)
    {
        var branches = new List<string>();
        for (var k = 1; k <= 5; k++)
        {
            var branch = Layer(g, Child(aspp, "conv" + k), input, $"{path}.conv{k}");
            branches.Add(k == 1 ? g.ResizeBilinearAlignCornersLike(branch, input, path) : branch);
        }
        return g.Concat(branches, path);                                           // (N, 5 inner, H, W)
    }

    private static Module Child(Module module, string name) =>
        module.NamedChildren().FirstOrDefault(c => c.Name == name).Module
        ?? throw new NotSupportedException($"ONNX export: {module.GetType().Name} has no child '{name}'");
}
