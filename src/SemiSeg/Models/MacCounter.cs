using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// Counts the multiply-adds of every convolution that runs under a network while the counter is
/// open: output elements x (input channels / groups) x kernel area, per conv. Biases, norms,
/// activations and resizing are left out (under 1% for these networks), as in fvcore and mmcv's
/// counters; one multiply-add is two floating-point operations.
/// </summary>
public sealed class MacCounter : IDisposable
{
    private readonly Dictionary<Module, string> partOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, long> perPart = new();
    private readonly IDisposable watch;

    /// <summary>Starts counting the convs of <paramref name="network"/>, attributed to its top-level parts (encoder, decoder, auxor).</summary>
    public MacCounter(Module network)
    {
        foreach (var (name, module) in network.NamedModules())
            if (module is Conv2d) partOf[module] = name.Contains('.') ? name[..name.IndexOf('.')] : name;
        watch = ForwardObserver.Watch(OnForward);
    }

    public long Total => perPart.Values.Sum();

    /// <summary>Multiply-adds per top-level part, in the order the parts first ran.</summary>
    public IReadOnlyDictionary<string, long> PerPart => perPart;

    private void OnForward(Module layer, Tensor input, Tensor output)
    {
        if (layer is not Conv2d conv || !partOf.TryGetValue(conv, out var part)) return;
        var macs = output.NumEl * (conv.InChannels / conv.Groups) * conv.KernelSize * conv.KernelSize;
        perPart[part] = perPart.GetValueOrDefault(part) + macs;
    }

    public void Dispose() => watch.Dispose();

    /// <summary>Multiply-adds of one forward of <paramref name="network"/> on a zero input of the given shape (no gradients, eval mode kept as is).</summary>
    public static long Count<TOutput>(Module<Tensor, TOutput> network, params long[] inputShape) where TOutput : IDisposable =>
        Count(network, Device.CPU, inputShape);

    /// <summary>As <see cref="Count{TOutput}(Module{Tensor, TOutput}, long[])"/>, with the input on <paramref name="device"/> (where the network is).</summary>
    public static long Count<TOutput>(Module<Tensor, TOutput> network, Device device, params long[] inputShape) where TOutput : IDisposable
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var noGrad = Torch.Torch.NoGrad();
        using var counter = new MacCounter(network);
        using (network.Forward(Torch.Torch.Zeros(inputShape, device: device))) { }
        return counter.Total;
    }
}
