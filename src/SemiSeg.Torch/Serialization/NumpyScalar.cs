using System.Text;

namespace SemiSeg.Torch.Serialization;

/// <summary>
/// NumPy scalars in a pickle, read as plain numbers. A training script that saves a metric computed
/// with NumPy (U2PL's train_semi.py stores <c>best_miou = np.mean(iou_class)</c>, an np.float64)
/// pickles it as <c>numpy.core.multiarray.scalar(dtype, raw bytes)</c>, the dtype as
/// <c>numpy.dtype("f8", False, True)</c> with a BUILD state whose second field is the byte order.
/// Bool, signed and unsigned integer and float scalars become bool, long and double; other NumPy
/// objects (arrays, complex, strings, dates) are refused by name.
/// </summary>
internal static class NumpyScalar
{
    /// <summary>numpy.dtype(code, align, copy): the code is a kind letter and a size in bytes, such as "f8" or "b1".</summary>
    internal sealed class Dtype : PickleReader.IStateful
    {
        public required char Kind { get; init; }
        public required int Size { get; init; }
        public string Code => $"{Kind}{Size}";
        /// <summary>'&lt;' little-endian, '&gt;' big-endian, '|' not applicable (one byte), '=' native.</summary>
        public char ByteOrder { get; private set; } = '=';

        /// <summary>The BUILD state (version, byte order, subarray, names, fields, element size, alignment, flags).</summary>
        public void SetState(object? state)
        {
            if (state is not object?[] { Length: >= 2 } fields || fields[1] is not string { Length: 1 } order || !"<>|=".Contains(order[0]))
                throw new InvalidDataException($"numpy.dtype('{Code}') has a state that is not (version, byte order, ...)");
            ByteOrder = order[0];
        }

        public override string ToString() => $"numpy.dtype('{Code}')";
    }

    public static Dtype NewDtype(object?[] args)
    {
        if (args is not [string code, ..] || code.Length < 2 || !int.TryParse(code.AsSpan(1), out var size))
            throw new InvalidDataException($"numpy.dtype called with {PickleReader.Describe(args)}; expected a code such as 'f8'");
        return new Dtype { Kind = code[0], Size = size };
    }

    /// <summary>numpy.core.multiarray.scalar(dtype, bytes): the value as bool, long or double.</summary>
    public static object FromBytes(object?[] args)
    {
        if (args is not [Dtype dtype, byte[] raw])
            throw new InvalidDataException($"a numpy scalar built from {PickleReader.Describe(args)}; expected (dtype, bytes)");
        if (raw.Length != dtype.Size)
            throw new InvalidDataException($"a numpy scalar of {dtype} holds {raw.Length} bytes, not {dtype.Size}");
        var bytes = raw.AsSpan();
        var swap = dtype.ByteOrder == '>' == BitConverter.IsLittleEndian;
        Span<byte> ordered = stackalloc byte[8];
        bytes.CopyTo(ordered);
        ordered = ordered[..bytes.Length];
        if (swap) ordered.Reverse();
        return (dtype.Kind, dtype.Size) switch
        {
            ('b', 1) => ordered[0] != 0,
            ('i', 1) => (long)(sbyte)ordered[0],
            ('i', 2) => (long)BitConverter.ToInt16(ordered),
            ('i', 4) => (long)BitConverter.ToInt32(ordered),
            ('i', 8) => BitConverter.ToInt64(ordered),
            ('u', 1) => (long)ordered[0],
            ('u', 2) => (long)BitConverter.ToUInt16(ordered),
            ('u', 4) => (long)BitConverter.ToUInt32(ordered),
            ('u', 8) => BitConverter.ToUInt64(ordered) is var u && u <= long.MaxValue ? (long)u
                : throw new InvalidDataException($"a numpy uint64 scalar {u} does not fit in a signed 64-bit int"),
            ('f', 2) => (double)BitConverter.ToHalf(ordered),
            ('f', 4) => (double)BitConverter.ToSingle(ordered),
            ('f', 8) => BitConverter.ToDouble(ordered),
            _ => throw new InvalidDataException($"a numpy scalar of {dtype} cannot be read; bool, int, uint and float scalars can"),
        };
    }

    /// <summary>
    /// _codecs.encode(text, "latin1"): how pickle protocol 2 (torch.save's default) writes a bytes
    /// object, each byte as the character of the same code.
    /// </summary>
    public static byte[] Latin1Bytes(object?[] args)
    {
        if (args is not [string text, string encoding] || encoding.Replace("-", "").Replace("_", "").ToLowerInvariant() != "latin1")
            throw new InvalidDataException($"_codecs.encode called with {PickleReader.Describe(args)}; only (text, 'latin1') is read");
        if (text.Any(c => c > '\u00ff')) throw new InvalidDataException("_codecs.encode(text, 'latin1') holds a character above U+00FF");
        return Encoding.Latin1.GetBytes(text);
    }
}
