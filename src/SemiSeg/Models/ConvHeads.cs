using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>The conv-BN-ReLU-dropout stacks that the DeepLab heads are made of, laid out as the official Sequentials.</summary>
internal static class ConvHeads
{
    /// <summary>
    /// Two 3x3 conv-BN-ReLU-dropout blocks, then a 1x1 conv to <paramref name="outChannels"/>: U2PL's
    /// classifier and representation heads (indices 0..8; the convs carry biases as in the official code).
    /// </summary>
    public static Sequential TwoConvHead(long inChannels, long hiddenChannels, long outChannels, double dropout, Generator? generator) =>
        new(new Conv2d(inChannels, hiddenChannels, 3, 1, 1, generator: generator), new BatchNorm2d(hiddenChannels), new ReLU(), new ChannelDropout(dropout),
            new Conv2d(hiddenChannels, hiddenChannels, 3, 1, 1, generator: generator), new BatchNorm2d(hiddenChannels), new ReLU(), new ChannelDropout(dropout),
            new Conv2d(hiddenChannels, outChannels, 1, generator: generator));

    /// <summary>3x3 conv (no bias) - BN - ReLU - dropout over the ASPP output: the "head" of both DeepLab decoders.</summary>
    public static Sequential AsppProjection(long inChannels, long outChannels, double dropout, Generator? generator) =>
        new(new Conv2d(inChannels, outChannels, 3, 1, 1, bias: false, generator: generator), new BatchNorm2d(outChannels), new ReLU(), new ChannelDropout(dropout));
}
