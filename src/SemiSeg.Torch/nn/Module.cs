namespace SemiSeg.Torch.nn;

/// <summary>
/// A network part with named parameters, buffers and child modules, as torch.nn.Module.
/// State-dict names follow PyTorch's rules (child names joined by dots: "layer1.0.conv1.weight",
/// "bn.running_mean"), so weights move between the two unchanged. A module owns its tensors:
/// they leave any dispose scope when registered and are freed by <see cref="Dispose"/>.
/// </summary>
public abstract partial class Module : IDisposable
{
    private readonly List<(string Name, Tensor? Tensor)> parameters = new();
    private readonly List<(string Name, Tensor? Tensor)> buffers = new();
    private readonly List<(string Name, Module Module)> children = new();
    private bool disposed;

    public bool Training { get; private set; } = true;

    protected Tensor RegisterParameter(string name, Tensor tensor, bool requiresGrad = true)
    {
        CheckName(name);
        tensor.DetachFromDisposeScope();
        tensor.RequiresGrad = requiresGrad;
        parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers an absent parameter (for example a conv without bias): it has a name but no tensor.</summary>
    protected void RegisterAbsentParameter(string name)
    {
        CheckName(name);
        parameters.Add((name, null));
    }

    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.DetachFromDisposeScope();
        buffers.Add((name, tensor));
        return tensor;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name (empty or contains '.')");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'");
    }

    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>This module and all below it, each with its dotted path ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var entry in child.NamedModules(Join(prefix, name)))
                yield return entry;
    }

    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (path, module) in NamedModules(prefix))
            foreach (var (name, tensor) in module.parameters)
                if (tensor is not null) yield return (Join(path, name), tensor);
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (path, module) in NamedModules(prefix))
            foreach (var (name, tensor) in module.buffers)
                if (tensor is not null) yield return (Join(path, name), tensor);
    }

    /// <summary>
    /// Parameters and buffers in PyTorch's order (each module's parameters, then its buffers,
    /// then its children). The tensors are the module's own: read them, do not dispose them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict(string prefix = "")
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        AddState(prefix, entries);
        return entries;
    }

    private void AddState(string prefix, List<KeyValuePair<string, Tensor>> entries)
    {
        foreach (var (name, tensor) in parameters)
            if (tensor is not null) entries.Add(new(Join(prefix, name), tensor));
        foreach (var (name, tensor) in buffers)
            if (tensor is not null) entries.Add(new(Join(prefix, name), tensor));
        foreach (var (name, child) in children) child.AddState(Join(prefix, name), entries);
    }

    /// <summary>Sets training mode here and below (dropout active, batch norm on batch statistics).</summary>
    public Module Train(bool training = true)
    {
        foreach (var (_, module) in NamedModules()) module.Training = training;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient (set_to_none, as PyTorch 2 does by default).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>
    /// Moves parameters and buffers to a device. As PyTorch's module.to(), each keeps its identity:
    /// the Tensor objects held by layers and optimizers now refer to the moved data.
    /// </summary>
    public Module To(Device device) =>
        Convert(t => t.Device.Type != device.Type || (device.Index >= 0 && t.Device.Index != device.Index), t => t.To(device));

    /// <summary>
    /// Converts the floating-point parameters and buffers to <paramref name="dtype"/> (module.double(),
    /// module.to(torch.float16)); integer buffers such as num_batches_tracked stay as they are.
    /// </summary>
    public Module To(ScalarType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"a module converts to a floating-point type, not {dtype}", nameof(dtype));
        return Convert(t => t.Dtype.IsFloatingPoint() && t.Dtype != dtype, t => t.To(dtype));
    }

    private Module Convert(Func<Tensor, bool> needed, Func<Tensor, Tensor> convert)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        foreach (var (_, module) in NamedModules())
            foreach (var (_, t) in module.parameters.Concat(module.buffers))
                if (t is not null && needed(t)) t.TakeDataFrom(convert(t.Detach()));
        return this;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    public virtual void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, t) in parameters) t?.Dispose();
        foreach (var (_, t) in buffers) t?.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A module with a typed forward.</summary>
public abstract class Module<TInput, TOutput> : Module
{
    public abstract TOutput Forward(TInput input);
}
