using System.Globalization;

namespace SemiSeg.Torch.Serialization;

/// <summary>
/// One value of a PyTorch file: None, a bool, int, float, string, tensor, list or dictionary,
/// nested as in <c>{"model_state": {...}, "epoch": 3}</c>. A value owns what it holds: a tensor
/// value keeps its own detached handle (sharing storage with the tensor it was made from), and
/// <see cref="Dispose"/> frees it and everything below.
/// </summary>
public sealed class TorchValue : IDisposable
{
    // bool, long, double, string, Tensor, List<TorchValue> or TorchDict; null for None.
    private readonly object? value;
    private bool disposed;

    private TorchValue(TorchValueKind kind, object? value)
    {
        Kind = kind;
        this.value = value;
    }

    public TorchValueKind Kind { get; }

    public static TorchValue None() => new(TorchValueKind.None, null);
    public static TorchValue FromBool(bool value) => new(TorchValueKind.Bool, value);
    public static TorchValue FromInt(long value) => new(TorchValueKind.Int, value);
    public static TorchValue FromDouble(double value) => new(TorchValueKind.Double, value);
    public static TorchValue FromString(string value) => new(TorchValueKind.String, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>
    /// A tensor value holding its own handle to <paramref name="tensor"/>'s data, cut from the
    /// autograd graph (files keep values, not graphs). The caller still owns <paramref name="tensor"/>.
    /// </summary>
    public static TorchValue FromTensor(Tensor tensor) => new(TorchValueKind.Tensor, tensor.Detach().DetachFromDisposeScope());

    /// <summary>A list that takes ownership of its items.</summary>
    public static TorchValue FromList(IEnumerable<TorchValue> items) => new(TorchValueKind.List, items.ToList());

    /// <summary>A dictionary value that takes ownership of <paramref name="dict"/>.</summary>
    public static TorchValue FromDict(TorchDict dict) => new(TorchValueKind.Dict, dict ?? throw new ArgumentNullException(nameof(dict)));

    public static implicit operator TorchValue(bool value) => FromBool(value);
    public static implicit operator TorchValue(long value) => FromInt(value);
    public static implicit operator TorchValue(int value) => FromInt(value);
    public static implicit operator TorchValue(double value) => FromDouble(value);
    public static implicit operator TorchValue(string value) => FromString(value);
    public static implicit operator TorchValue(TorchDict dict) => FromDict(dict);

    public bool IsNone => Kind == TorchValueKind.None;

    public bool AsBool() => Kind == TorchValueKind.Bool ? (bool)value! : throw Expected("a bool");

    public long AsInt() => Kind == TorchValueKind.Int ? (long)value! : throw Expected("an int");

    /// <summary>The number as a double; ints convert, as Python's float(x) would.</summary>
    public double AsDouble() => Kind switch
    {
        TorchValueKind.Double => (double)value!,
        TorchValueKind.Int => (long)value!,
        _ => throw Expected("a float"),
    };

    public string AsString() => Kind == TorchValueKind.String ? (string)value! : throw Expected("a string");

    /// <summary>The tensor, still owned by this value: use it while the value lives, or Clone it.</summary>
    public Tensor AsTensor() => Kind == TorchValueKind.Tensor ? (Tensor)Live(value)! : throw Expected("a tensor");

    public IReadOnlyList<TorchValue> AsList() => Kind == TorchValueKind.List ? (List<TorchValue>)Live(value)! : throw Expected("a list");

    public TorchDict AsDict() => Kind == TorchValueKind.Dict ? (TorchDict)Live(value)! : throw Expected("a dict");

    private object? Live(object? v) => disposed ? throw new ObjectDisposedException(nameof(TorchValue)) : v;

    private InvalidCastException Expected(string what) => new($"expected {what}, found {Describe()}");

    /// <summary>A short description for messages: "an int (3)", "a tensor [4, 3] Float32", "a dict of 12 entries".</summary>
    public string Describe() => Kind switch
    {
        TorchValueKind.None => "None",
        TorchValueKind.Bool => $"a bool ({value})",
        TorchValueKind.Int => $"an int ({value})",
        TorchValueKind.Double => $"a float ({((double)value!).ToString(CultureInfo.InvariantCulture)})",
        TorchValueKind.String => $"a string ('{value}')",
        TorchValueKind.Tensor => disposed ? "a disposed tensor" : $"a tensor [{string.Join(", ", ((Tensor)value!).Shape)}] {((Tensor)value!).Dtype}",
        TorchValueKind.List => $"a list of {((List<TorchValue>)value!).Count} items",
        _ => $"a dict of {((TorchDict)value!).Count} entries",
    };

    public override string ToString() => Describe();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        switch (value)
        {
            case Tensor t: t.Dispose(); break;
            case List<TorchValue> items: foreach (var item in items) item.Dispose(); break;
            case TorchDict dict: dict.Dispose(); break;
        }
    }
}
