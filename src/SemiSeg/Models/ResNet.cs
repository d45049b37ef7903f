using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// A ResNet encoder (He et al. 2016) that returns its four stage outputs, with the parameter names of
/// torchvision and of the official U2PL code (conv1, bn1, layer1..layer4, layer1.0.conv1,
/// layer1.0.downsample.0 / .1, ...) so their weights load unchanged. Dilation replaces the last
/// strides for dense prediction (output stride 8 or 16) and multi-grid varies it across layer4,
/// as in DeepLabv3 (Chen et al. 2017).
/// </summary>
public sealed class ResNet : Module<Tensor, StageFeatures>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential[] layers;
    private long channels;
    private long dilation = 1;

    public ResNetOptions Options { get; }

    public ResNet(ResNetOptions options, Generator? generator = null)
    {
        options.Validate();
        Options = options;
        var width = options.Width;
        if (options.DeepStem)
        {
            channels = 2L * width;
            conv1 = RegisterModule("conv1", new Sequential(
                Conv3x3(options.InChannels, width, 2, 1, generator), new BatchNorm2d(width), new ReLU(),
                Conv3x3(width, width, 1, 1, generator), new BatchNorm2d(width), new ReLU(),
                Conv3x3(width, channels, 1, 1, generator)));
        }
        else
        {
            channels = width;
            conv1 = RegisterModule("conv1", new Conv2d(options.InChannels, width, 7, 2, 3, bias: false, generator: generator));
        }
        bn1 = RegisterModule("bn1", new BatchNorm2d(channels));
        var counts = options.BlockCounts;
        var dilate = options.ReplaceStrideWithDilation;
        layers = new[]
        {
            RegisterModule("layer1", MakeStage(width, counts[0], 1, false, false, generator)),
            RegisterModule("layer2", MakeStage(2L * width, counts[1], 2, dilate[0], false, generator)),
            RegisterModule("layer3", MakeStage(4L * width, counts[2], 2, dilate[1], false, generator)),
            RegisterModule("layer4", MakeStage(8L * width, counts[3], 2, dilate[2], options.MultiGrid, generator)),
        };
        InitialiseWeights(generator);
    }

    /// <summary>Output channels of layer1..layer4.</summary>
    public IReadOnlyList<long> StageChannels => Options.StageChannels;

    private static Conv2d Conv3x3(long inChannels, long outChannels, long stride, long dilation, Generator? generator) =>
        new(inChannels, outChannels, 3, stride, dilation, dilation, bias: false, generator: generator);

    private Sequential MakeStage(long planes, int blocks, long stride, bool dilate, bool multiGrid, Generator? generator)
    {
        // The first block keeps the previous stage's dilation: it is the one that would have strided.
        var previousDilation = dilation;
        if (dilate)
        {
            dilation *= stride;
            stride = 1;
        }
        var expansion = Options.Expansion;
        Sequential? downsample = null;
        if (stride != 1 || channels != planes * expansion)
            downsample = new Sequential(new Conv2d(channels, planes * expansion, 1, stride, bias: false, generator: generator),
                                        new BatchNorm2d(planes * expansion));
        var grids = multiGrid ? new long[] { 2, 2, 4 } : Enumerable.Repeat(1L, blocks).ToArray();
        var stage = new Sequential(MakeBlock(channels, planes, stride, previousDilation * grids[0], downsample, generator));
        channels = planes * expansion;
        for (var k = 1; k < blocks; k++) stage.Append(MakeBlock(channels, planes, 1, dilation * grids[k], null, generator));
        return stage;
    }

    private Module<Tensor, Tensor> MakeBlock(long inChannels, long planes, long stride, long blockDilation, Sequential? downsample, Generator? generator) =>
        Options.UsesBottleneck
            ? new Bottleneck(inChannels, planes, stride, blockDilation, downsample, generator)
            : new BasicBlock(inChannels, planes, stride, blockDilation, downsample, generator);

    /// <summary>torchvision's and U2PL's initialisation: He-normal (fan out) convs, unit-scale norms, optionally zero-scale branch ends.</summary>
    private void InitialiseWeights(Generator? generator)
    {
        foreach (var (_, module) in NamedModules())
        {
            if (module is Conv2d conv) Init.KaimingNormalFanOut(conv.Weight, generator);
            if (!Options.ZeroInitResidual) continue;
            if (module is Bottleneck bottleneck) Init.Constant(bottleneck.LastNorm.Weight, 0);
            if (module is BasicBlock basic) Init.Constant(basic.LastNorm.Weight, 0);
        }
    }

    public override StageFeatures Forward(Tensor input)
    {
        if (input.Dim != 4 || input.Size(1) != Options.InChannels)
            throw new ArgumentException($"ResNet expects (N, {Options.InChannels}, H, W) input, got {input}");
        using var scope = Torch.Torch.NewDisposeScope();
        var x = F.Relu(bn1.Forward(conv1.Forward(input)));                 // (N, stem, H/2, W/2)
        // The deep stem pools in ceil mode, as the official U2PL code does; torchvision floors.
        x = F.MaxPool2d(x, 3, 2, 1, ceilMode: Options.DeepStem);          // (N, stem, H/4, W/4)
        var stage1 = layers[0].Forward(x);
        var stage2 = layers[1].Forward(stage1);
        var stage3 = layers[2].Forward(stage2);
        var stage4 = layers[3].Forward(stage3);
        return new StageFeatures(scope.MoveToOuter(stage1), scope.MoveToOuter(stage2),
                                 scope.MoveToOuter(stage3), scope.MoveToOuter(stage4));
    }
}
