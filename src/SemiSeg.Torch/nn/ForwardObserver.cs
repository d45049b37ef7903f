namespace SemiSeg.Torch.nn;

/// <summary>
/// Lets a tool watch layer forwards on this thread without changing the network, for example to
/// count multiply-adds or record output shapes (one narrow use of PyTorch's forward hooks).
/// Layers that report: <see cref="Conv2d"/>.
/// </summary>
public static class ForwardObserver
{
    [ThreadStatic] private static Action<Module, Tensor, Tensor>? current;

    /// <summary>Calls <paramref name="onForward"/>(layer, input, output) after each reporting layer's forward until the result is disposed.</summary>
    public static IDisposable Watch(Action<Module, Tensor, Tensor> onForward)
    {
        var previous = current;
        current = previous is null ? onForward : previous + onForward;
        return new Restore(previous);
    }

    internal static void Report(Module layer, Tensor input, Tensor output) => current?.Invoke(layer, input, output);

    private sealed class Restore(Action<Module, Tensor, Tensor>? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}
