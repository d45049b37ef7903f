namespace SemiSeg.Torch.nn;

/// <summary>Applies its children in order; they are named "0", "1", ... as in PyTorch.</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> layers = new();

    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        foreach (var layer in layers) Append(layer);
    }

    public Sequential Append(Module<Tensor, Tensor> layer)
    {
        RegisterModule(layers.Count.ToString(), layer);
        layers.Add(layer);
        return this;
    }

    public int Count => layers.Count;
    public Module<Tensor, Tensor> this[int index] => layers[index];

    public override Tensor Forward(Tensor input)
    {
        if (layers.Count == 0) return input.Alias();
        using var scope = Torch.NewDisposeScope();
        var x = input;
        foreach (var layer in layers) x = layer.Forward(x);
        return scope.MoveToOuter(x);
    }
}
