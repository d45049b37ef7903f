namespace SemiSeg.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost open scope, and frees
/// them when disposed, so a training step releases its temporaries deterministically. A result
/// that must outlive the scope leaves it with <see cref="Tensor.MoveToOuterDisposeScope"/> or
/// <see cref="Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly List<Tensor> owned = new();
    private bool disposed;

    public DisposeScope? Outer { get; }

    private DisposeScope(DisposeScope? outer) => Outer = outer;

    public static DisposeScope? Current => current;

    public static DisposeScope Open()
    {
        var scope = new DisposeScope(current);
        current = scope;
        return scope;
    }

    /// <summary>Number of tensors this scope still owns.</summary>
    public int Count => owned.Count(t => t.Scope == this && !t.IsDisposed);

    internal void Enrol(Tensor tensor)
    {
        tensor.Scope = this;
        owned.Add(tensor);
    }

    /// <summary>Moves the tensors out of this scope to the enclosing one (or to the caller).</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        if (tensor.Scope != this) return tensor;
        tensor.Scope = null;
        Outer?.Enrol(tensor);
        return tensor;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var tensor in owned)
            if (tensor.Scope == this) tensor.Dispose();
        owned.Clear();
        // Scopes close in the reverse order of opening; restore the enclosing scope.
        if (current == this) current = Outer;
    }
}
