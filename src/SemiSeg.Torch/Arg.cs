using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>
/// One argument to an ATen operator: a tensor, number, list, string, generator, device or
/// None, optionally named after the schema's parameter. Implicit conversions let a call read
/// like PyTorch: <c>Op.Call(x, weight, bias, stride: 2)</c>.
/// </summary>
public readonly struct Arg
{
    internal ArgKind Kind { get; }
    internal long I { get; }
    internal double D { get; }
    internal object? Ref { get; }
    public string? Name { get; }

    private Arg(ArgKind kind, long i = 0, double d = 0, object? reference = null, string? name = null)
    {
        Kind = kind; I = i; D = d; Ref = reference; Name = name;
    }

    public static readonly Arg None = new(ArgKind.None);

    /// <summary>The same value bound to the schema parameter called <paramref name="name"/>.</summary>
    public Arg Named(string name) => new(Kind, I, D, Ref, name);

    public static implicit operator Arg(Tensor? t) => t is null ? None : new(ArgKind.Tensor, reference: t);
    public static implicit operator Arg(long v) => new(ArgKind.Int, i: v);
    public static implicit operator Arg(int v) => new(ArgKind.Int, i: v);
    public static implicit operator Arg(double v) => new(ArgKind.Double, d: v);
    public static implicit operator Arg(bool v) => new(ArgKind.Bool, i: v ? 1 : 0);
    public static implicit operator Arg(long[]? v) => v is null ? None : new(ArgKind.IntList, i: v.Length, reference: v);
    public static implicit operator Arg(double[]? v) => v is null ? None : new(ArgKind.DoubleList, i: v.Length, reference: v);
    public static implicit operator Arg(bool[]? v) =>
        v is null ? None : new(ArgKind.BoolList, i: v.Length, reference: v.Select(b => b ? 1L : 0L).ToArray());
    /// <summary>A tensor list; null entries mean None (for Tensor?[] parameters such as aten::index).</summary>
    public static implicit operator Arg(Tensor?[]? v) => v is null ? None : new(ArgKind.TensorList, i: v.Length, reference: v);
    public static implicit operator Arg(string? v) => v is null ? None : new(ArgKind.String, reference: v);
    public static implicit operator Arg(Generator? g) => g is null ? None : new(ArgKind.Generator, reference: g);
    public static implicit operator Arg(Device d) => new(ArgKind.Device, i: (long)d.Type, d: d.Index);
    public static implicit operator Arg(ScalarType t) => new(ArgKind.Int, i: (long)t);

    public static Arg Optional(long? v) => v is null ? None : v.Value;
    public static Arg Optional(double? v) => v is null ? None : v.Value;
    public static Arg Optional(bool? v) => v is null ? None : v.Value;
    public static Arg Optional(ScalarType? v) => v is null ? None : v.Value;
}
