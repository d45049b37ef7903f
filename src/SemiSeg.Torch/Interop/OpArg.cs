using System.Runtime.InteropServices;

namespace SemiSeg.Torch.Interop;

/// <summary>Kinds of boxed values crossing the ABI (ss_kind in semiseg_native.h).</summary>
internal enum ArgKind
{
    None = 0, Tensor = 1, Int = 2, Double = 3, Bool = 4, IntList = 5, DoubleList = 6,
    TensorList = 7, String = 8, Generator = 9, Device = 10, ListHeader = 11, BoolList = 12,
}

/// <summary>ss_arg: one boxed operator argument.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpArg
{
    public IntPtr Name;
    public int Kind;
    public int DeviceIndex;
    public long I;
    public double D;
    public IntPtr P;
}

/// <summary>ss_result: one value an operator returned.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpResult
{
    public int Kind;
    public int Pad;
    public long I;
    public double D;
    public IntPtr P;
}
