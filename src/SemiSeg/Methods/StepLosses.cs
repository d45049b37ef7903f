namespace SemiSeg.Methods;

/// <summary>
/// What a method's step produces: the total loss to back-propagate and its named terms (0-dim
/// tensors in the step's dispose scope). <see cref="ReadTerms"/> copies all values to the host in
/// one transfer, since reading a device scalar waits for the device.
/// </summary>
public sealed class StepLosses
{
    public StepLosses(Tensor total, IReadOnlyList<(string Name, Tensor Value)> terms)
    {
        Total = total;
        Terms = terms;
    }

    public Tensor Total { get; }
    public IReadOnlyList<(string Name, Tensor Value)> Terms { get; }

    /// <summary>The terms and "total" as doubles, in one host read.</summary>
    public IReadOnlyDictionary<string, double> ReadTerms()
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var noGrad = Torch.Torch.NoGrad();
        var stacked = Torch.Torch.Stack(Terms.Select(t => t.Value.Detach().To(ScalarType.Float64).Reshape()).Append(Total.Detach().To(ScalarType.Float64).Reshape()));
        var values = stacked.To(Device.CPU).ToArray<double>();
        var result = new Dictionary<string, double>();
        for (var k = 0; k < Terms.Count; k++) result[Terms[k].Name] = values[k];
        result["total"] = values[^1];
        return result;
    }
}
