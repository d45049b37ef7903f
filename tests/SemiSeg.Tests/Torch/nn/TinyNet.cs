using SemiSeg.Torch.nn;

namespace SemiSeg.Tests.Torch.nn;

/// <summary>The network of tools/make_nn_fixtures.py, member for member, so PyTorch's state dict fits it.</summary>
internal sealed class TinyNet : Module<Tensor, Tensor>
{
    public TinyNet(Generator? generator = null)
    {
        Stem = RegisterModule("stem", new Conv2d(3, 4, 3, stride: 2, padding: 1, generator: generator));
        Bn = RegisterModule("bn", new BatchNorm2d(4));
        RegisterModule("relu", new ReLU());
        Layer1 = RegisterModule("layer1", new Sequential(new Block(4, generator), new Block(4, generator)));
        Dropout = RegisterModule("dropout", new Dropout2d(0.1));
        Fc = RegisterModule("fc", new Linear(4, 5, generator: generator));
    }

    public Conv2d Stem { get; }
    public BatchNorm2d Bn { get; }
    public Sequential Layer1 { get; }
    public Dropout2d Dropout { get; }
    public Linear Fc { get; }

    public override Tensor Forward(Tensor input)
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        var x = F.Relu(Bn.Forward(Stem.Forward(input)));          // (N, 4, H/2, W/2)
        x = Dropout.Forward(Layer1.Forward(x));
        return scope.MoveToOuter(Fc.Forward(x.Mean(new long[] { 2, 3 })));  // (N, 5)
    }

    /// <summary>torchvision's BasicBlock names: conv1, bn1, relu, conv2, bn2.</summary>
    internal sealed class Block : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly BatchNorm2d bn1, bn2;

        public Block(long channels, Generator? generator)
        {
            conv1 = RegisterModule("conv1", new Conv2d(channels, channels, 3, padding: 1, bias: false, generator: generator));
            bn1 = RegisterModule("bn1", new BatchNorm2d(channels));
            RegisterModule("relu", new ReLU());
            conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, padding: 1, bias: false, generator: generator));
            bn2 = RegisterModule("bn2", new BatchNorm2d(channels));
        }

        public override Tensor Forward(Tensor input)
        {
            using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
            var x = F.Relu(bn1.Forward(conv1.Forward(input)));
            x = bn2.Forward(conv2.Forward(x));
            return scope.MoveToOuter(F.Relu(x + input));
        }
    }
}
