using System.Text;

namespace SemiSeg.Models;

/// <summary>
/// What a built network is: parameters in total and per top-level part, output shapes for an input
/// size, and the multiply-adds of one forward, measured by running it once (eval mode, no gradients).
/// </summary>
public sealed record ModelSummary(
    string Description,
    long[] InputShape,
    long Parameters,
    IReadOnlyList<ModelSummary.Part> Parts,
    IReadOnlyList<ModelSummary.Output> Outputs,
    long ForwardMacs)
{
    public sealed record Part(string Name, long Parameters, long ForwardMacs);

    public sealed record Output(string Name, long[] Shape);

    /// <summary>Giga floating-point operations of one forward, a multiply-add counted as two.</summary>
    public double ForwardGflops => 2.0 * ForwardMacs / 1e9;

    public static ModelSummary Measure(SegmentationModel model, long height, long width, long batch = 1)
    {
        if (height < 1 || width < 1 || batch < 1) throw new ArgumentOutOfRangeException(nameof(height), $"input {batch}x{height}x{width} is empty");
        var shape = new[] { batch, (long)model.Encoder.Options.InChannels, height, width };
        var wasTraining = model.Training;
        model.Eval();
        var outputs = new List<Output>();
        MacCounter counter;
        try
        {
            using var scope = Torch.Torch.NewDisposeScope();
            using var noGrad = Torch.Torch.NoGrad();
            using (counter = new MacCounter(model))
            {
                var features = model.Encoder.Forward(Torch.Torch.Zeros(shape));
                var decoded = model.Decoder.Forward(features);
                var aux = model.Auxiliary?.Forward(features.Stage3);
                for (var k = 0; k < 4; k++) outputs.Add(new Output($"stage{k + 1}", features.All[k].Shape));
                outputs.Add(new Output("prediction", decoded.Prediction.Shape));
                if (decoded.Representation is { } rep) outputs.Add(new Output("representation", rep.Shape));
                if (aux is not null) outputs.Add(new Output("aux", aux.Shape));
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        var parts = model.NamedChildren()
            .Select(c => new Part(c.Name, c.Module.Parameters().Sum(p => p.NumEl), counter.PerPart.GetValueOrDefault(c.Name)))
            .ToArray();
        return new ModelSummary(Describe(model.Config), shape, parts.Sum(p => p.Parameters), parts, outputs, counter.Total);
    }

    /// <summary>One line naming the architecture, for example "resnet101 (deep stem, width 64, output stride 8, multi-grid) + ...".</summary>
    public static string Describe(NetConfig config)
    {
        var e = config.Encoder;
        var options = e.ToResNetOptions();
        var encoder = $"resnet{options.Depth} ({(e.DeepStem ? "deep stem" : "torchvision stem")}, width {e.Width}, " +
                      $"output stride {options.OutputStride}{(e.MultiGrid ? ", multi-grid" : "")})";
        var d = config.Decoder;
        var rates = string.Join("/", d.Dilations);
        var decoder = d.ImasLayout
            ? $"iMAS DeepLabv3+ (ASPP {rates} x {d.InnerPlanes}, heads {d.HeadPlanes}, low_conv {d.LowConvPlanes ?? DecoderConfig.ImasLowConvPlanes})"
            : d.Kind == DecoderKind.DeepLabV3Plus
            ? $"DeepLabv3+ (ASPP {rates} x {d.InnerPlanes}, heads {d.HeadPlanes}{(d.RepHead ? $", representation {d.RepPlanes}-d" : "")})"
            : $"DeepLabv3 (ASPP {rates} x {d.InnerPlanes}, head {d.HeadPlanes})";
        var aux = config.AuxLoss is { } a ? $" + aux head on stage 3 (weight {a.LossWeight})" : "";
        return $"{encoder} + {decoder}{aux}, {config.NumClasses} classes";
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine($"network     {Description}");
        text.AppendLine($"input       {Dims(InputShape)}");
        text.AppendLine($"parameters  {Parameters,14:N0}");
        foreach (var part in Parts)
            text.AppendLine($"  {part.Name,-9} {part.Parameters,14:N0}  ({100.0 * part.Parameters / Math.Max(1, Parameters),5:F1}%)  forward {part.ForwardMacs / 1e9,8:F2} GMAC");
        text.AppendLine("outputs");
        foreach (var output in Outputs) text.AppendLine($"  {output.Name,-15} {Dims(output.Shape)}");
        text.AppendLine($"forward     {ForwardMacs / 1e9:F2} GMAC = {ForwardGflops:F2} GFLOP (conv multiply-adds; one multiply-add = 2 FLOP)");
        return text.ToString();
    }

    private static string Dims(long[] shape) => string.Join(" x ", shape);
}
