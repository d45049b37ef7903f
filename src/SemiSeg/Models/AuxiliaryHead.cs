using SemiSeg.Torch.nn;

namespace SemiSeg.Models;

/// <summary>
/// The auxiliary classifier on stage 3 (official Aux_Module, named "auxor.aux.*"): 3x3 conv-BN-ReLU,
/// dropout, 1x1 conv to the classes. U2PL adds its loss with weight 0.4 on Cityscapes.
/// </summary>
public sealed class AuxiliaryHead : Module<Tensor, Tensor>
{
    private readonly Sequential aux;

    public AuxiliaryHead(long inChannels, long numClasses, long hiddenChannels = 256, double dropout = 0.1, Generator? generator = null)
        : this(new Sequential(
            new Conv2d(inChannels, hiddenChannels, 3, 1, 1, generator: generator), new BatchNorm2d(hiddenChannels), new ReLU(),
            new ChannelDropout(dropout), new Conv2d(hiddenChannels, numClasses, 1, generator: generator)))
    {
    }

    private AuxiliaryHead(Sequential layers) => aux = RegisterModule("aux", layers);

    /// <summary>iMAS's Aux_Module (imas/models/decoder.py:102-117): the 3x3 conv has no bias and no dropout follows.</summary>
    public static AuxiliaryHead Imas(long inChannels, long numClasses, long hiddenChannels = 256, Generator? generator = null) =>
        new(new Sequential(
            new Conv2d(inChannels, hiddenChannels, 3, 1, 1, bias: false, generator: generator), new BatchNorm2d(hiddenChannels), new ReLU(),
            new Conv2d(hiddenChannels, numClasses, 1, generator: generator)));

    public override Tensor Forward(Tensor stage3) => aux.Forward(stage3);
}
