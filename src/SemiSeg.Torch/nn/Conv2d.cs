namespace SemiSeg.Torch.nn;

/// <summary>2-D convolution (nn.Conv2d) with PyTorch's default initialisation.</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    public long InChannels { get; }
    public long OutChannels { get; }
    public long KernelSize { get; }
    public long Stride { get; }
    public long Padding { get; }
    public long Dilation { get; }
    public long Groups { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0,
                  long dilation = 1, long groups = 1, bool bias = true, Generator? generator = null)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"in ({inChannels}) and out ({outChannels}) channels must be divisible by groups ({groups})");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) =
            (inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        Weight = RegisterParameter("weight", Torch.Empty(new[] { outChannels, inChannels / groups, kernelSize, kernelSize }));
        var fanIn = inChannels / groups * kernelSize * kernelSize;
        Init.KaimingUniformLinearDefault(Weight, fanIn, generator);
        if (bias)
        {
            Bias = RegisterParameter("bias", Torch.Empty(new[] { outChannels }));
            Init.BiasUniformDefault(Bias, fanIn, generator);
        }
        else RegisterAbsentParameter("bias");
    }

    public override Tensor Forward(Tensor input)
    {
        var output = F.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
        ForwardObserver.Report(this, input, output);
        return output;
    }
}
