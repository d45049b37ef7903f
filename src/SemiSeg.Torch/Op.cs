using System.Runtime.InteropServices;
using System.Text;
using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

/// <summary>
/// An ATen operator reached by its schema name through libtorch's dispatcher, for example
/// <c>new Op("aten::conv2d")</c> or <c>new Op("aten::add", "Tensor")</c>. Arguments are
/// boxed following the operator's schema; omitted trailing arguments take its defaults.
/// </summary>
public sealed unsafe class Op
{
    private readonly string name;
    private readonly string overload;
    private IntPtr handle;

    public Op(string name, string overload = "")
    {
        this.name = name;
        this.overload = overload;
    }

    private IntPtr Handle
    {
        get
        {
            // Operator handles live for the process (the dispatcher owns the operators).
            if (handle == IntPtr.Zero) handle = TorchException.Check(NativeMethods.ss_op_find(name, overload));
            return handle;
        }
    }

    /// <summary>The operator's schema as libtorch prints it.</summary>
    public string Schema => Marshal.PtrToStringUTF8(NativeMethods.ss_op_schema(Handle))!;

    public override string ToString() => overload.Length == 0 ? name : $"{name}.{overload}";

    /// <summary>Calls the operator and returns its single tensor result.</summary>
    public Tensor Call(params Arg[] args)
    {
        var results = Invoke(args);
        if (results.Count != 1 || results[0] is not Tensor t)
        {
            DisposeAll(results);
            throw new TorchException($"{this} returned {results.Count} values, expected one tensor");
        }
        return t;
    }

    /// <summary>Calls the operator and returns every tensor it returned, lists flattened.</summary>
    public Tensor[] CallMany(params Arg[] args)
    {
        var results = Invoke(args);
        var tensors = new List<Tensor>();
        foreach (var r in results)
        {
            if (r is Tensor t) tensors.Add(t);
            else if (r is object[] list) tensors.AddRange(list.OfType<Tensor>());
        }
        return tensors.ToArray();
    }

    /// <summary>Calls an in-place operator; the alias it returns is released at once.</summary>
    public void CallInPlace(params Arg[] args) => DisposeAll(Invoke(args));

    /// <summary>Calls the operator and returns its results: Tensor, long, double, bool, null, or object[] for a list.</summary>
    public IReadOnlyList<object?> Invoke(params Arg[] args)
    {
        var native = stackalloc OpArg[args.Length];
        var pins = new List<GCHandle>();
        var strings = new List<IntPtr>();
        try
        {
            for (var k = 0; k < args.Length; k++) native[k] = Box(args[k], pins, strings);
            var results = NativeMethods.ss_op_call(Handle, native, args.Length, out var count);
            if (results == null) throw TorchException.Last();
            try
            {
                var index = 0;
                var values = new List<object?>();
                while (index < count) values.Add(Unbox(results, ref index));
                return values;
            }
            finally { NativeMethods.ss_free((IntPtr)results); }
        }
        finally
        {
            foreach (var pin in pins) pin.Free();
            foreach (var s in strings) Marshal.FreeHGlobal(s);
        }
    }

    private static OpArg Box(in Arg a, List<GCHandle> pins, List<IntPtr> strings)
    {
        var arg = new OpArg { Kind = (int)a.Kind, I = a.I, D = a.D };
        if (a.Name is not null) arg.Name = Utf8(a.Name, strings);
        switch (a.Kind)
        {
            case ArgKind.Tensor:
                arg.P = ((Tensor)a.Ref!).Handle;
                break;
            case ArgKind.IntList or ArgKind.DoubleList or ArgKind.BoolList:
                var pin = GCHandle.Alloc(a.Ref!, GCHandleType.Pinned);
                pins.Add(pin);
                arg.P = pin.AddrOfPinnedObject();
                break;
            case ArgKind.TensorList:
                var handles = ((Tensor?[])a.Ref!).Select(t => t?.Handle ?? IntPtr.Zero).ToArray();
                var handlesPin = GCHandle.Alloc(handles, GCHandleType.Pinned);
                pins.Add(handlesPin);
                arg.P = handlesPin.AddrOfPinnedObject();
                break;
            case ArgKind.String:
                arg.P = Utf8((string)a.Ref!, strings);
                break;
            case ArgKind.Generator:
                arg.P = ((Generator)a.Ref!).Handle;
                break;
            case ArgKind.Device:
                arg.DeviceIndex = (int)a.D;
                break;
        }
        return arg;
    }

    private static IntPtr Utf8(string s, List<IntPtr> strings)
    {
        var bytes = Encoding.UTF8.GetBytes(s + '\0');
        var p = Marshal.AllocHGlobal(bytes.Length);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        strings.Add(p);
        return p;
    }

    private static object? Unbox(OpResult* results, ref int index)
    {
        var r = results[index++];
        switch ((ArgKind)r.Kind)
        {
            case ArgKind.Tensor: return new Tensor(r.P);
            case ArgKind.Int: return r.I;
            case ArgKind.Double: return r.D;
            case ArgKind.Bool: return r.I != 0;
            case ArgKind.None: return null;
            case ArgKind.ListHeader:
                var items = new object?[r.I];
                for (var k = 0; k < items.Length; k++) items[k] = Unbox(results, ref index);
                return items;
            default: throw new TorchException($"unexpected result kind {r.Kind}");
        }
    }

    private static void DisposeAll(IEnumerable<object?> values)
    {
        foreach (var v in values)
        {
            if (v is Tensor t) t.Dispose();
            else if (v is object[] list) DisposeAll(list);
        }
    }
}
