namespace SemiSeg.Torch;

/// <summary>Arithmetic, comparison and element-wise methods, named as in PyTorch.</summary>
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Aten.AddTensor.Call(a, b);
    public static Tensor operator +(Tensor a, double b) => Aten.AddScalar.Call(a, b);
    public static Tensor operator +(double a, Tensor b) => Aten.AddScalar.Call(b, a);
    public static Tensor operator -(Tensor a, Tensor b) => Aten.SubTensor.Call(a, b);
    public static Tensor operator -(Tensor a, double b) => Aten.SubScalar.Call(a, b);
    public static Tensor operator -(double a, Tensor b) => Aten.RsubScalar.Call(b, a);
    public static Tensor operator -(Tensor a) => Aten.Neg.Call(a);
    public static Tensor operator *(Tensor a, Tensor b) => Aten.MulTensor.Call(a, b);
    public static Tensor operator *(Tensor a, double b) => Aten.MulScalar.Call(a, b);
    public static Tensor operator *(double a, Tensor b) => Aten.MulScalar.Call(b, a);
    // Integer scalars keep integer tensors integer (PyTorch: long_tensor * 3 stays int64).
    public static Tensor operator +(Tensor a, long b) => Aten.AddScalar.Call(a, b);
    public static Tensor operator -(Tensor a, long b) => Aten.SubScalar.Call(a, b);
    public static Tensor operator *(Tensor a, long b) => Aten.MulScalar.Call(a, b);
    public static Tensor operator *(long a, Tensor b) => Aten.MulScalar.Call(b, a);
    public static Tensor operator /(Tensor a, Tensor b) => Aten.DivTensor.Call(a, b);
    public static Tensor operator /(Tensor a, double b) => Aten.DivScalar.Call(a, b);
    public static Tensor operator /(double a, Tensor b)
    {
        using var reciprocal = Aten.PowScalar.Call(b, -1.0);
        return Aten.MulScalar.Call(reciprocal, a);
    }
    public static Tensor operator &(Tensor a, Tensor b) => Aten.LogicalAnd.Call(a, b);
    public static Tensor operator |(Tensor a, Tensor b) => Aten.LogicalOr.Call(a, b);
    public static Tensor operator !(Tensor a) => Aten.LogicalNot.Call(a);

    public Tensor Add(Tensor other, double alpha = 1) => alpha == 1 ? Aten.AddTensor.Call(this, other) : Aten.AddTensor.Call(this, other, alpha);
    public Tensor Neg() => Aten.Neg.Call(this);
    public Tensor Exp() => Aten.Exp.Call(this);
    public Tensor Log() => Aten.Log.Call(this);
    public Tensor Sqrt() => Aten.Sqrt.Call(this);
    public Tensor Abs() => Aten.Abs.Call(this);
    public Tensor Reciprocal() => Aten.Reciprocal.Call(this);
    public Tensor Pow(double exponent) => Aten.PowScalar.Call(this, exponent);
    public Tensor Sigmoid() => Aten.Sigmoid.Call(this);
    public Tensor Floor() => Aten.Floor.Call(this);
    public Tensor Round() => Aten.Round.Call(this);
    public Tensor Matmul(Tensor other) => Aten.Matmul.Call(this, other);
    public Tensor Mm(Tensor other) => Aten.Mm.Call(this, other);
    public Tensor Clamp(double? min = null, double? max = null) => Aten.Clamp.Call(this, Arg.Optional(min), Arg.Optional(max));
    public Tensor ClampMin(double min) => Aten.ClampMin.Call(this, min);

    // comparisons return bool tensors
    public Tensor Eq(Tensor other) => Aten.EqTensor.Call(this, other);
    public Tensor Eq(double other) => Aten.EqScalar.Call(this, other);
    public Tensor Ne(Tensor other) => Aten.NeTensor.Call(this, other);
    public Tensor Ne(double other) => Aten.NeScalar.Call(this, other);
    public Tensor Lt(Tensor other) => Aten.LtTensor.Call(this, other);
    public Tensor Lt(double other) => Aten.LtScalar.Call(this, other);
    public Tensor Le(Tensor other) => Aten.LeTensor.Call(this, other);
    public Tensor Le(double other) => Aten.LeScalar.Call(this, other);
    public Tensor Gt(Tensor other) => Aten.GtTensor.Call(this, other);
    public Tensor Gt(double other) => Aten.GtScalar.Call(this, other);
    public Tensor Ge(Tensor other) => Aten.GeTensor.Call(this, other);
    public Tensor Ge(double other) => Aten.GeScalar.Call(this, other);
    public Tensor LogicalNot() => Aten.LogicalNot.Call(this);
    public Tensor Any() => Aten.Any.Call(this);
    public Tensor All() => Aten.All.Call(this);

    // in-place updates (used by optimizers and running statistics; they bypass autograd only under no-grad)
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        // alpha 1 is left to the schema default so integer tensors (counters) can be added to.
        if (alpha == 1) Aten.AddInPlace.CallInPlace(this, other);
        else Aten.AddInPlace.CallInPlace(this, other, alpha);
        return this;
    }
    /// <summary>this += value in place; an integer value keeps integer tensors (counters) integer.</summary>
    public Tensor AddInPlace(long value) { Aten.AddScalarInPlace.CallInPlace(this, value); return this; }
    public Tensor MulInPlace(double factor) { Aten.MulInPlace.CallInPlace(this, factor); return this; }
    public Tensor CopyInPlace(Tensor source) { Aten.Copy.CallInPlace(this, source); return this; }
    public Tensor ZeroInPlace() { Aten.Zero.CallInPlace(this); return this; }
    public Tensor FillInPlace(double value) { Aten.Fill.CallInPlace(this, value); return this; }
    /// <summary>this += weight * (end - this), as torch.lerp_ (an EMA update in one op).</summary>
    public Tensor LerpInPlace(Tensor end, double weight) { Aten.Lerp.CallInPlace(this, end, weight); return this; }

    // reductions
    public Tensor Sum(ScalarType? dtype = null) => Aten.Sum.Call(this, Arg.Optional(dtype));
    public Tensor Sum(long[] dims, bool keepDim = false) => Aten.SumDim.Call(this, dims, keepDim);
    public Tensor Sum(long dim, bool keepDim = false) => Aten.SumDim.Call(this, new[] { dim }, keepDim);
    // Without this overload the literal in Sum(0) converts to ScalarType (C# lets 0 become any
    // enum) and picks Sum(dtype: UInt8), a whole-tensor sum in uint8, instead of a sum over dim 0.
    public Tensor Sum(int dim, bool keepDim = false) => Sum((long)dim, keepDim);
    public Tensor Mean() => Aten.Mean.Call(this);
    public Tensor Mean(long[] dims, bool keepDim = false) => Aten.MeanDim.Call(this, dims, keepDim);
    public Tensor Mean(long dim, bool keepDim = false) => Aten.MeanDim.Call(this, new[] { dim }, keepDim);
    public Tensor Max() => Aten.Max.Call(this);
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) => Pair(Aten.MaxDim.CallMany(this, dim, keepDim));
    public Tensor Min() => Aten.Min.Call(this);
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) => Pair(Aten.MinDim.CallMany(this, dim, keepDim));
    public Tensor Argmax(long? dim = null, bool keepDim = false) => Aten.Argmax.Call(this, Arg.Optional(dim), keepDim);
    public Tensor Argmin(long? dim = null, bool keepDim = false) => Aten.Argmin.Call(this, Arg.Optional(dim), keepDim);
    public Tensor Norm(double p, long dim, bool keepDim = false) => Aten.Norm.Call(this, p, new[] { dim }, keepDim);
    public Tensor Cumsum(long dim) => Aten.Cumsum.Call(this, dim);
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false) => Pair(Aten.Sort.CallMany(this, dim, descending));
    public Tensor Argsort(long dim = -1, bool descending = false) => Aten.Argsort.Call(this, dim, descending);
    public (Tensor Values, Tensor Indices) Topk(long k, long dim = -1, bool largest = true, bool sorted = true) =>
        Pair(Aten.Topk.CallMany(this, k, dim, largest, sorted));
    /// <summary>The k-th smallest element (1-based k, as torch.kthvalue).</summary>
    public (Tensor Values, Tensor Indices) Kthvalue(long k, long dim = -1, bool keepDim = false) =>
        Pair(Aten.Kthvalue.CallMany(this, k, dim, keepDim));
    /// <summary>The q-quantile (q in [0, 1]) over all elements or along a dimension, linear interpolation.</summary>
    public Tensor Quantile(double q, long? dim = null, bool keepDim = false, string interpolation = "linear") =>
        Aten.Quantile.Call(this, q, Arg.Optional(dim), keepDim, ((Arg)interpolation).Named("interpolation"));

    private static (Tensor, Tensor) Pair(Tensor[] results) => (results[0], results[1]);
}
