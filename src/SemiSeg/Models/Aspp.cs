using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// Atrous spatial pyramid pooling (DeepLabv3, Chen et al. 2017): five parallel branches over the
/// encoder output, concatenated: image pooling (conv1), a 1x1 conv (conv2) and three dilated 3x3
/// convs (conv3..conv5), each with batch norm and ReLU. Names follow the official U2PL ASPP.
/// </summary>
public sealed class Aspp : Module<Tensor, Tensor>
{
    /// <summary>The rates of U2PL's configs; DeepLabv3's paper uses (6, 12, 18) at output stride 16.</summary>
    public static readonly IReadOnlyList<long> DefaultDilations = new long[] { 12, 24, 36 };

    private readonly Sequential[] branches;

    public long OutChannels { get; }

    public Aspp(long inChannels, long innerChannels = 256, IReadOnlyList<long>? dilations = null, Generator? generator = null)
    {
        dilations ??= DefaultDilations;
        if (dilations.Count != 3)
            throw new ArgumentException($"ASPP takes 3 dilation rates, got {dilations.Count} ({string.Join(", ", dilations)})", nameof(dilations));
        branches = new[]
        {
            RegisterModule("conv1", new Sequential(new AdaptiveAvgPool2d(1, 1),
                new Conv2d(inChannels, innerChannels, 1, bias: false, generator: generator), new BatchNorm2d(innerChannels), new ReLU())),
            RegisterModule("conv2", Branch(inChannels, innerChannels, 1, 1, generator)),
            RegisterModule("conv3", Branch(inChannels, innerChannels, 3, dilations[0], generator)),
            RegisterModule("conv4", Branch(inChannels, innerChannels, 3, dilations[1], generator)),
            RegisterModule("conv5", Branch(inChannels, innerChannels, 3, dilations[2], generator)),
        };
        OutChannels = 5 * innerChannels;
    }

    private static Sequential Branch(long inChannels, long outChannels, long kernel, long dilation, Generator? generator) =>
        new(new Conv2d(inChannels, outChannels, kernel, 1, kernel == 3 ? dilation : 0, dilation, bias: false, generator: generator),
            new BatchNorm2d(outChannels), new ReLU());

    public override Tensor Forward(Tensor input)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var (height, width) = (input.Size(2), input.Size(3));
        // The pooled branch is 1x1; align_corners upsampling spreads it over the map as in the official code.
        var pooled = F.Interpolate(branches[0].Forward(input), height, width, InterpolationMode.Bilinear, alignCorners: true);
        var outputs = new List<Tensor> { pooled };
        for (var k = 1; k < branches.Length; k++) outputs.Add(branches[k].Forward(input));
        return scope.MoveToOuter(Torch.Torch.Cat(outputs, 1));        // (N, 5 inner, H, W)
    }
}
