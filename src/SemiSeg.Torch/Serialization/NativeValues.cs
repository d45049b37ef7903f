using System.Runtime.InteropServices;
using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch.Serialization;

/// <summary>Converts between <see cref="TorchValue"/> trees and libtorch IValues (ss_value handles).</summary>
internal static class NativeValues
{
    private const int KindNone = 0, KindTensor = 1, KindInt = 2, KindDouble = 3, KindBool = 4, KindString = 5,
                      KindDict = 6, KindList = 7, KindTuple = 8;

    /// <summary>A native copy of the tree; the caller frees it with ss_value_free. Tensors are shared, not copied.</summary>
    internal static IntPtr ToNative(TorchValue value, string path = "")
    {
        switch (value.Kind)
        {
            case TorchValueKind.None: return TorchException.Check(NativeMethods.ss_value_none());
            case TorchValueKind.Bool: return TorchException.Check(NativeMethods.ss_value_bool(value.AsBool()));
            case TorchValueKind.Int: return TorchException.Check(NativeMethods.ss_value_int(value.AsInt()));
            case TorchValueKind.Double: return TorchException.Check(NativeMethods.ss_value_double(value.AsDouble()));
            case TorchValueKind.String: return TorchException.Check(NativeMethods.ss_value_string(value.AsString()));
            case TorchValueKind.Tensor:
                var tensor = value.AsTensor();
                if (tensor.IsDisposed) throw new ObjectDisposedException($"the tensor at {Describe(path)} was disposed");
                return TorchException.Check(NativeMethods.ss_value_tensor(tensor.Handle));
            case TorchValueKind.List:
                var list = TorchException.Check(NativeMethods.ss_value_list());
                var index = 0;
                return Fill(list, value.AsList(), item =>
                {
                    var native = ToNative(item, Path(path, (index++).ToString()));
                    try { TorchException.Check(NativeMethods.ss_value_list_append(list, native)); }
                    finally { NativeMethods.ss_value_free(native); }
                });
            default:
                var dict = value.AsDict();
                var intKeys = dict.Count > 0 && dict.Keys.All(k => k.IsInt);
                if (!intKeys && dict.Keys.Any(k => k.IsInt))
                    throw new ArgumentException($"the dict at {Describe(path)} mixes string and int keys; libtorch's pickler writes one key type per dict");
                var native = TorchException.Check(intKeys ? NativeMethods.ss_value_int_dict() : NativeMethods.ss_value_dict());
                return Fill(native, dict, entry =>
                {
                    var item = ToNative(entry.Value, Path(path, KeyText(entry.Key)));
                    try
                    {
                        TorchException.Check(intKeys
                            ? NativeMethods.ss_value_dict_set_int(native, entry.Key.AsInt(), item)
                            : NativeMethods.ss_value_dict_set(native, entry.Key.AsString(), item));
                    }
                    finally { NativeMethods.ss_value_free(item); }
                });
        }
    }

    /// <summary>Adds every item to a fresh native container, freeing the container if one fails.</summary>
    private static IntPtr Fill<T>(IntPtr container, IEnumerable<T> items, Action<T> add)
    {
        try
        {
            foreach (var item in items) add(item);
            return container;
        }
        catch
        {
            NativeMethods.ss_value_free(container);
            throw;
        }
    }

    /// <summary>A managed tree owning its own handles; the native value stays the caller's.</summary>
    internal static TorchValue FromNative(IntPtr value, string path = "")
    {
        var kind = NativeMethods.ss_value_kind(value);
        switch (kind)
        {
            case KindNone: return TorchValue.None();
            case KindBool:
                TorchException.Check(NativeMethods.ss_value_to_bool(value, out var b));
                return TorchValue.FromBool(b);
            case KindInt:
                TorchException.Check(NativeMethods.ss_value_to_int(value, out var i));
                return TorchValue.FromInt(i);
            case KindDouble:
                TorchException.Check(NativeMethods.ss_value_to_double(value, out var d));
                return TorchValue.FromDouble(d);
            case KindString: return TorchValue.FromString(TakeString(NativeMethods.ss_value_to_string(value)));
            case KindTensor:
                using (var tensor = new Tensor(TorchException.Check(NativeMethods.ss_value_to_tensor(value))).DetachFromDisposeScope())
                    return TorchValue.FromTensor(tensor);
            case KindList or KindTuple:
                var items = new List<TorchValue>();
                try
                {
                    var count = Size(value);
                    for (long k = 0; k < count; k++) items.Add(Child(value, k, Path(path, k.ToString())));
                    return TorchValue.FromList(items);
                }
                catch { foreach (var item in items) item.Dispose(); throw; }
            case KindDict:
                var dict = new TorchDict();
                try
                {
                    var count = Size(value);
                    for (long k = 0; k < count; k++)
                    {
                        var key = ReadKey(value, k, path);
                        dict.Add(key, Child(value, k, Path(path, KeyText(key))));
                    }
                    return TorchValue.FromDict(dict);
                }
                catch { dict.Dispose(); throw; }
            default:
                if (kind < 0) throw TorchException.Last();
                throw new NotSupportedException($"{Describe(path)} holds a {TakeString(NativeMethods.ss_value_type_name(value))}, which has no TorchValue form");
        }
    }

    private static TorchKey ReadKey(IntPtr dict, long index, string path)
    {
        var key = TorchException.Check(NativeMethods.ss_value_dict_key_at(dict, index));
        try
        {
            var kind = NativeMethods.ss_value_kind(key);
            if (kind == KindString) return TakeString(NativeMethods.ss_value_to_string(key));
            if (kind == KindInt)
            {
                TorchException.Check(NativeMethods.ss_value_to_int(key, out var i));
                return i;
            }
            throw new NotSupportedException($"the dict at {Describe(path)} has a {TakeString(NativeMethods.ss_value_type_name(key))} key; only str and int keys are supported");
        }
        finally { NativeMethods.ss_value_free(key); }
    }

    private static TorchValue Child(IntPtr parent, long index, string path)
    {
        var child = TorchException.Check(NativeMethods.ss_value_at(parent, index));
        try { return FromNative(child, path); }
        finally { NativeMethods.ss_value_free(child); }
    }

    private static long Size(IntPtr value)
    {
        var size = NativeMethods.ss_value_size(value);
        return size >= 0 ? size : throw TorchException.Last();
    }

    private static string TakeString(IntPtr text)
    {
        TorchException.Check(text);
        try { return Marshal.PtrToStringUTF8(text)!; }
        finally { NativeMethods.ss_free(text); }
    }

    private static string KeyText(TorchKey key) => key.IsString ? key.AsString() : key.AsInt().ToString();
    private static string Path(string parent, string child) => parent.Length == 0 ? child : $"{parent}.{child}";
    private static string Describe(string path) => path.Length == 0 ? "the top level" : $"'{path}'";
}
