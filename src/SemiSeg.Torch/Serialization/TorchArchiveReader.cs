using System.IO.Compression;
using System.Text;
using SemiSeg.Torch.Interop;
using Global = SemiSeg.Torch.Serialization.PickleReader.Global;

namespace SemiSeg.Torch.Serialization;

/// <summary>
/// Reads the zip archive torch.save writes (a data.pkl plus one raw little-endian file per
/// storage under data/) without libtorch's unpickler. libtorch 1.13's pickle_load cannot read
/// what Python writes for a state dict: it turns collections.OrderedDict into None and does
/// not know the SETITEM opcode of one-entry dicts. This reader knows the few Python objects
/// torch.save uses for tensors and containers, plus NumPy scalars (read as numbers), and refuses
/// anything else by name. Tensors
/// saved on a GPU load on the CPU (as map_location="cpu"). A hostile or damaged file cannot make
/// it allocate more than the file holds: every entry's size is bounded by the file's length before
/// it is read (torch.save stores entries uncompressed), every entry's CRC-32 is checked, a tensor
/// view may not address more elements than its storage has, and containers nest at most
/// <see cref="MaxDepth"/> deep.
/// </summary>
internal sealed class TorchArchiveReader
{
    /// <summary>Containers deeper than this are refused (a checkpoint nests about five levels; recursion is bounded by it).</summary>
    public const int MaxDepth = 64;

    private readonly ZipArchive zip;
    private readonly string prefix;
    private readonly long fileLength;
    private readonly Dictionary<string, Tensor> storages = new();
    private long bytesRead;

    private TorchArchiveReader(ZipArchive zip, string prefix, long fileLength)
    {
        this.zip = zip;
        this.prefix = prefix;
        this.fileLength = fileLength;
    }

    /// <summary>Reads the file into a tree that owns its tensors. Errors are <see cref="InvalidDataException"/>s without the path (the caller adds it).</summary>
    internal static TorchValue Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var fileLength = new FileInfo(path).Length;
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
                     ?? throw new InvalidDataException("the zip archive has no data.pkl, so torch.save did not write it");
        var prefix = pickle.FullName[..^"data.pkl".Length];
        var byteOrder = zip.GetEntry(prefix + "byteorder");
        var reader = new TorchArchiveReader(zip, prefix, fileLength);
        if (byteOrder is not null && reader.ReadAll(byteOrder) is var order && Encoding.ASCII.GetString(order) != "little")
            throw new InvalidDataException("the tensors were saved big-endian; only little-endian files are supported");

        // Storages and the tensors viewing them live in this scope; the tree takes its own handles.
        using var scope = Torch.NewDisposeScope();
        var root = new PickleReader(reader.ReadAll(pickle), reader.PersistentLoad, reader.Call).Load();
        return ToValue(root, "", 0);
    }

    /// <summary>torch.save's persistent ids: ("storage", torch.FloatStorage, key, location, numel).</summary>
    private object PersistentLoad(object? id)
    {
        if (id is not object?[] { Length: >= 5 } fields || fields[0] as string != "storage" ||
            fields[1] is not Global type || fields[2] is not string key)
            throw new InvalidDataException($"unknown persistent id {PickleReader.Describe(id)}; expected a ('storage', type, key, location, size) tuple");
        if (storages.TryGetValue(key, out var cached)) return cached;
        var dtype = StorageType(type);
        var entry = zip.GetEntry($"{prefix}data/{key}") ?? throw new InvalidDataException($"storage '{key}' is missing from the archive");
        var bytes = ReadAll(entry);
        var elementSize = dtype.ElementSize();
        if (bytes.Length % elementSize != 0)
            throw new InvalidDataException($"storage '{key}' holds {bytes.Length} bytes, not a whole number of {dtype} elements");
        var storage = FromBytes(bytes, dtype, bytes.Length / elementSize);
        storages[key] = storage;
        return storage;
    }

    private static ScalarType StorageType(Global type) => type.Module == "torch" ? type.Name switch
    {
        "FloatStorage" => ScalarType.Float32,
        "DoubleStorage" => ScalarType.Float64,
        "HalfStorage" => ScalarType.Float16,
        "BFloat16Storage" => ScalarType.BFloat16,
        "LongStorage" => ScalarType.Int64,
        "IntStorage" => ScalarType.Int32,
        "ShortStorage" => ScalarType.Int16,
        "CharStorage" => ScalarType.Int8,
        "ByteStorage" => ScalarType.UInt8,
        "BoolStorage" => ScalarType.Bool,
        _ => throw new InvalidDataException($"storage type {type} is not supported"),
    } : throw new InvalidDataException($"storage type {type} is not supported");

    /// <summary>The Python calls torch.save uses, each replaced by what it builds; anything else is refused.</summary>
    private object? Call(Global function, object?[] args)
    {
        switch (function.ToString())
        {
            case "collections.OrderedDict":
                var dict = new PickleReader.Dict();
                if (args is [List<object?> pairs])
                    foreach (var pair in pairs)
                        if (pair is object?[] { Length: 2 } kv && kv[0] is { } key) dict.Set(key, kv[1]);
                return dict;
            case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor":
                return RebuildTensor(args);
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state":
                return args.Length >= 1 && args[0] is Tensor data ? data : throw new InvalidDataException("a Parameter without tensor data");
            case "torch._tensor._rebuild_from_type_v2":
                // (function, type, args, state): a tensor subclass; keep the plain tensor.
                return args is [Global inner, _, object?[] innerArgs, ..] ? Call(inner, innerArgs) : throw new InvalidDataException("malformed _rebuild_from_type_v2");
            case "torch.jit._pickle.restore_type_tag":
                // libtorch's pickler tags containers with their static type; the value is args[0].
                return args.Length >= 1 ? args[0] : null;
            case "torch.jit._pickle.build_intlist" or "torch.jit._pickle.build_doublelist" or
                 "torch.jit._pickle.build_boollist" or "torch.jit._pickle.build_tensorlist":
                return args is [List<object?> items] ? items : throw new InvalidDataException($"malformed {function}");
            case "torch.device":
                return args.Length >= 1 && args[0] is string device ? device : throw new InvalidDataException("malformed torch.device");
            // NumPy scalars (a metric such as U2PL's best_miou), and the bytes they are made of.
            case "numpy.dtype":
                return NumpyScalar.NewDtype(args);
            case "numpy.core.multiarray.scalar" or "numpy._core.multiarray.scalar":
                return NumpyScalar.FromBytes(args);
            case "_codecs.encode":
                return NumpyScalar.Latin1Bytes(args);
            default:
                throw new InvalidDataException(
                    $"the file holds a Python object of type {function}, which this reader cannot build; it reads tensors, " +
                    "dicts, lists, tuples, numbers (NumPy scalars too) and strings (save a state_dict rather than a whole module)");
        }
    }

    /// <summary>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).</summary>
    private static Tensor RebuildTensor(object?[] args)
    {
        if (args.Length < 4 || args[0] is not Tensor storage || args[1] is not long offset ||
            args[2] is not object?[] size || args[3] is not object?[] stride)
            throw new InvalidDataException("malformed tensor: expected (storage, offset, size, stride, ...)");
        var sizes = size.Select(s => s as long? ?? throw new InvalidDataException("a tensor size is not an int")).ToArray();
        var strides = stride.Select(s => s as long? ?? throw new InvalidDataException("a tensor stride is not an int")).ToArray();
        if (sizes.Length != strides.Length) throw new InvalidDataException("a tensor's size and stride differ in length");
        // The last element a view reaches; an empty tensor reaches none.
        if (sizes.Any(n => n < 0) || strides.Any(st => st < 0))
            throw new InvalidDataException($"tensor [{string.Join(", ", sizes)}] has a negative size or stride");
        // A view may not address more elements than its storage holds: a zero or overlapping stride
        // would otherwise let a few bytes in the file become gigabytes once the tensor is copied.
        var elements = sizes.Aggregate(1.0, (product, n) => product * n);
        if (elements > storage.NumEl)
            throw new InvalidDataException($"tensor [{string.Join(", ", sizes)}] addresses {elements:0} elements of a storage of {storage.NumEl} (overlapping strides)");
        var last = sizes.Any(n => n == 0) ? offset - 1 : offset + sizes.Zip(strides, (n, st) => (n - 1) * st).Sum();
        if (offset < 0 || last >= storage.NumEl)
            throw new InvalidDataException($"tensor [{string.Join(", ", sizes)}] at offset {offset} reaches past its storage of {storage.NumEl} elements");
        return Aten.AsStrided.Call(storage, sizes, strides, offset);
    }

    private static unsafe Tensor FromBytes(byte[] bytes, ScalarType dtype, long count)
    {
        var shape = new[] { count };
        fixed (byte* p = bytes)
        fixed (long* s = shape)
            return new Tensor(TorchException.Check(NativeMethods.ss_tensor_from_data(p, (int)dtype, s, 1, (int)DeviceType.CPU, -1)));
    }

    /// <summary>An entry's bytes, its size bounded by the file before anything is allocated and its CRC-32 checked.</summary>
    private byte[] ReadAll(ZipArchiveEntry entry)
    {
        // torch.save stores entries uncompressed, so together they cannot hold more than the file.
        if (entry.Length < 0 || entry.Length > fileLength - bytesRead || entry.CompressedLength > fileLength)
            throw new InvalidDataException($"entry '{entry.FullName}' claims {entry.Length} bytes, more than the file's {fileLength} can hold");
        bytesRead += entry.Length;
        var bytes = new byte[entry.Length];
        using (var stream = entry.Open())
        {
            try { stream.ReadExactly(bytes); }
            catch (EndOfStreamException) { throw new InvalidDataException($"entry '{entry.FullName}' ends before its {entry.Length} bytes"); }
        }
        var crc = Crc32.Compute(bytes);
        if (crc != entry.Crc32)
            throw new InvalidDataException($"entry '{entry.FullName}' fails its CRC-32 check (stored {entry.Crc32:x8}, read {crc:x8}): the file is damaged");
        return bytes;
    }

    /// <summary>The Python object tree as TorchValues; tuples become lists.</summary>
    private static TorchValue ToValue(object? value, string path, int depth)
    {
        if (depth >= MaxDepth && value is List<object?> or object?[] or PickleReader.Dict)
            throw new InvalidDataException($"containers nest deeper than {MaxDepth} levels at {Where(path)}");
        switch (value)
        {
            case null: return TorchValue.None();
            case bool b: return TorchValue.FromBool(b);
            case long i: return TorchValue.FromInt(i);
            case double d: return TorchValue.FromDouble(d);
            case string s: return TorchValue.FromString(s);
            case Tensor t: return TorchValue.FromTensor(t);
            case List<object?> or object?[]:
                var items = new List<TorchValue>();
                try
                {
                    foreach (var item in (IEnumerable<object?>)value) items.Add(ToValue(item, Join(path, items.Count.ToString()), depth + 1));
                    return TorchValue.FromList(items);
                }
                catch { foreach (var item in items) item.Dispose(); throw; }
            case PickleReader.Dict dict:
                var tree = new TorchDict();
                try
                {
                    foreach (var (key, item) in dict.Entries)
                    {
                        TorchKey k = key switch
                        {
                            string s => s,
                            long i => i,
                            _ => throw new InvalidDataException($"the dict at {Where(path)} has a key of {PickleReader.Describe(key)}; only str and int keys are supported"),
                        };
                        tree.Add(k, ToValue(item, Join(path, key.ToString()!), depth + 1));
                    }
                    return TorchValue.FromDict(tree);
                }
                catch { tree.Dispose(); throw; }
            default:
                throw new InvalidDataException($"{Where(path)} holds {PickleReader.Describe(value)}, which has no TorchValue form");
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
    private static string Where(string path) => path.Length == 0 ? "the top level" : $"'{path}'";
}
