using Google.Protobuf;
using Onnx;
using SemiSeg.Torch.nn;

namespace SemiSeg.Export;

/// <summary>
/// Appends ONNX nodes (opset <see cref="OnnxExporter.Opset"/>) and their weights to a graph; each method takes the
/// name of its input value and returns the name of its output value. Names of weights follow the
/// module paths of the state dict (encoder.layer1.0.conv1.weight), so a graph reads like the network.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private int counter;

    public GraphProto Graph { get; } = new() { Name = "semiseg" };

    private string Fresh(string op) => $"{op}_{counter++}";

    private string Node(string op, string prefix, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var name = string.IsNullOrEmpty(prefix) ? Fresh(op) : $"{prefix}/{op}_{counter++}";
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name + ":0");
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name + ":0";
    }

    /// <summary>A float32 weight from a libtorch tensor (copied to the CPU, row-major as ONNX stores it).</summary>
    public string Initializer(string name, Tensor tensor)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var data = tensor.Detach().To(Device.CPU).To(ScalarType.Float32).Contiguous().ToArray<float>();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(tensor.Shape);
        var bytes = new byte[data.Length * sizeof(float)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
        proto.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(proto);
        return name;
    }

    public string Conv(string input, Conv2d conv, string path)
    {
        var inputs = new List<string> { input, Initializer(path + ".weight", conv.Weight) };
        if (conv.Bias is { } bias) inputs.Add(Initializer(path + ".bias", bias));
        var (k, p) = (conv.KernelSize, conv.Padding);
        return Node("Conv", path, inputs,
            Ints("kernel_shape", k, k), Ints("strides", conv.Stride, conv.Stride), Ints("pads", p, p, p, p),
            Ints("dilations", conv.Dilation, conv.Dilation), Int("group", conv.Groups));
    }

    /// <summary>Eval-mode batch norm: the running statistics normalise (ONNX Runtime folds it into the preceding conv).</summary>
    public string BatchNorm(string input, BatchNorm2d norm, string path) =>
        Node("BatchNormalization", path,
            new[] { input, Initializer(path + ".weight", norm.Weight), Initializer(path + ".bias", norm.Bias),
                    Initializer(path + ".running_mean", norm.RunningMean), Initializer(path + ".running_var", norm.RunningVar) },
            Float("epsilon", norm.Eps));

    public string Relu(string input, string path) => Node("Relu", path, new[] { input });

    public string Add(string a, string b, string path) => Node("Add", path, new[] { a, b });

    public string Concat(IEnumerable<string> inputs, string path) => Node("Concat", path, inputs, Int("axis", 1));

    public string GlobalAveragePool(string input, string path) => Node("GlobalAveragePool", path, new[] { input });

    public string Softmax(string input, string path) => Node("Softmax", path, new[] { input }, Int("axis", 1));

    /// <summary>PyTorch's max_pool2d; ceil_mode as the deep stem uses it (ONNX Runtime drops windows that start in the padding, as PyTorch does).</summary>
    public string MaxPool(string input, long kernel, long stride, long padding, bool ceilMode, string path) =>
        Node("MaxPool", path, new[] { input },
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding),
            Int("ceil_mode", ceilMode ? 1 : 0));

    /// <summary>
    /// F.interpolate(input, size of <paramref name="like"/>'s last two dims, bilinear, align_corners=True): Resize's
    /// "align_corners" transformation maps output x to x (in - 1) / (out - 1), the same formula.
    /// The size is read from the graph (Shape), so one graph serves every input size.
    /// </summary>
    public string ResizeBilinearAlignCornersLike(string input, string like, string path)
    {
        var batchAndChannels = Node("Shape", path, new[] { input }, Int("start", 0), Int("end", 2));
        var spatial = Node("Shape", path, new[] { like }, Int("start", 2), Int("end", 4));
        var sizes = Node("Concat", path, new[] { batchAndChannels, spatial }, Int("axis", 0));
        return Node("Resize", path, new[] { input, "", "", sizes },
            Str("mode", "linear"), Str("coordinate_transformation_mode", "align_corners"));
    }

    /// <summary>Names a graph output: an Identity node from <paramref name="input"/> to <paramref name="outputName"/>.</summary>
    public string Output(string input, string outputName)
    {
        Graph.Node.Add(new NodeProto { OpType = "Identity", Name = outputName, Input = { input }, Output = { outputName } });
        return outputName;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    private static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };
    private static AttributeProto Str(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
