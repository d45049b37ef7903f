using System.Runtime.InteropServices;
using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>The torch.* namespace: creation, random numbers, scopes and runtime settings.</summary>
public static class Torch
{
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.ss_torch_version())!;

    /// <summary>Intra-op threads (torch.set_num_threads); libtorch defaults to the machine's cores.</summary>
    public static int NumThreads
    {
        get => NativeMethods.ss_get_num_threads();
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "thread count must be at least 1");
            TorchException.Check(NativeMethods.ss_set_num_threads(value));
        }
    }

    /// <summary>Seeds libtorch's default generators (torch.manual_seed), used by dropout.</summary>
    public static void ManualSeed(ulong seed) => TorchException.Check(NativeMethods.ss_manual_seed(seed));

    public static DisposeScope NewDisposeScope() => DisposeScope.Open();
    public static NoGradScope NoGrad() => NoGradScope.Open();
    public static bool IsGradEnabled => NativeMethods.ss_is_grad_enabled();
    /// <summary>torch.autocast(device_type, dtype): see <see cref="AutocastScope"/>.</summary>
    public static AutocastScope Autocast(DeviceType deviceType, ScalarType dtype, bool enabled = true) =>
        AutocastScope.Open(deviceType, dtype, enabled);
    public static bool IsAutocastEnabled(DeviceType deviceType) => AutocastScope.IsEnabled(deviceType);

    // ---- creation
    public static Tensor Zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Aten.Zeros.Call(shape, dtype, Arg.None, device ?? Device.CPU);
    public static Tensor Ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Aten.Ones.Call(shape, dtype, Arg.None, device ?? Device.CPU);
    public static Tensor Full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Aten.Full.Call(shape, value, dtype, Arg.None, device ?? Device.CPU);
    public static Tensor Empty(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Aten.Empty.Call(shape, dtype, Arg.None, device ?? Device.CPU);
    public static Tensor ZerosLike(Tensor t) => Aten.ZerosLike.Call(t);
    public static Tensor OnesLike(Tensor t) => Aten.OnesLike.Call(t);
    public static Tensor Arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null) =>
        Aten.ArangeStartStep.Call(start, end, step, dtype, Arg.None, device ?? Device.CPU);
    public static Tensor Arange(long end, ScalarType dtype = ScalarType.Int64, Device? device = null) => Arange(0, end, 1, dtype, device);
    public static Tensor Eye(long n, ScalarType dtype = ScalarType.Float32) => Aten.Eye.Call(n, dtype);
    public static Tensor Linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32) =>
        Aten.Linspace.Call(start, end, steps, dtype);

    // ---- random numbers; pass a Generator for repeatable draws
    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Aten.Rand.Call(shape, generator, dtype, Arg.None, device ?? Device.CPU);
    public static Tensor Randn(long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Aten.Randn.Call(shape, generator, dtype, Arg.None, device ?? Device.CPU);
    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor Randint(long low, long high, long[] shape, Generator? generator = null, Device? device = null) =>
        Aten.RandintLow.Call(low, high, shape, generator, ScalarType.Int64, Arg.None, device ?? Device.CPU);
    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor Randperm(long n, Generator? generator = null, Device? device = null) =>
        Aten.Randperm.Call(n, generator, ScalarType.Int64, Arg.None, device ?? Device.CPU);
    public static Tensor Normal(double mean, double std, long[] shape, Generator? generator = null, Device? device = null,
                                ScalarType dtype = ScalarType.Float32) =>
        Aten.NormalFloatFloat.Call(mean, std, shape, generator, dtype, Arg.None, device ?? Device.CPU);
    /// <summary>Fills t in place with N(mean, std) samples.</summary>
    public static Tensor NormalInPlace(Tensor t, double mean = 0, double std = 1, Generator? generator = null)
    {
        Aten.NormalInPlace.CallInPlace(t, mean, std, generator);
        return t;
    }
    /// <summary>Fills t in place with uniform samples in [from, to).</summary>
    public static Tensor UniformInPlace(Tensor t, double from, double to, Generator? generator = null)
    {
        Aten.UniformInPlace.CallInPlace(t, from, to, generator);
        return t;
    }
    /// <summary>Bernoulli(p) samples shaped like t, as t.bernoulli(p).</summary>
    public static Tensor Bernoulli(Tensor like, double p, Generator? generator = null) => Aten.BernoulliFloat.Call(like, p, generator);

    // ---- joining and selecting
    public static Tensor Cat(IEnumerable<Tensor> tensors, long dim = 0) => Aten.Cat.Call(tensors.ToArray(), dim);
    public static Tensor Stack(IEnumerable<Tensor> tensors, long dim = 0) => Aten.Stack.Call(tensors.ToArray(), dim);
    public static Tensor Where(Tensor condition, Tensor x, Tensor y) => Aten.Where.Call(condition, x, y);
    public static Tensor Where(Tensor condition, Tensor x, double y) => Aten.WhereScalarOther.Call(condition, x, y);
    public static Tensor Where(Tensor condition, double x, Tensor y) => Aten.WhereScalarSelf.Call(condition, x, y);
    public static Tensor Where(Tensor condition, double x, double y) => Aten.WhereScalar.Call(condition, x, y);
    public static Tensor Bincount(Tensor t, Tensor? weights = null, long minLength = 0) => Aten.Bincount.Call(t, weights, minLength);
}
