using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SemiSeg.Torch.Serialization;

/// <summary>
/// A Python pickle machine for the data.pkl that torch.save writes (protocols 2 to 4), small on
/// purpose: it builds None, bools, ints, floats, strings, bytes, lists, tuples (object?[]) and
/// dicts (<see cref="Dict"/>), and hands every class reference, call and persistent id to the
/// caller, who decides which few Python objects it can stand in for; a stand-in that takes a
/// BUILD state implements <see cref="IStateful"/>. Nothing is ever executed.
/// </summary>
internal sealed class PickleReader
{
    /// <summary>A class or function named by a GLOBAL opcode ("collections", "OrderedDict").</summary>
    internal sealed record Global(string Module, string Name)
    {
        public override string ToString() => $"{Module}.{Name}";
    }

    /// <summary>A Python dict (or OrderedDict): ordered, keys compared by value.</summary>
    internal sealed class Dict
    {
        public List<KeyValuePair<object, object?>> Entries { get; } = new();

        public void Set(object key, object? value)
        {
            var at = Entries.FindIndex(e => e.Key.Equals(key));
            if (at >= 0) Entries[at] = new(key, value);
            else Entries.Add(new(key, value));
        }
    }

    /// <summary>A stand-in object whose state comes from a BUILD opcode (Python's __setstate__).</summary>
    internal interface IStateful
    {
        void SetState(object? state);
    }

    private readonly byte[] data;
    private readonly Func<object?, object?> persistentLoad;
    private readonly Func<Global, object?[], object?> call;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();
    private int position;

    /// <param name="persistentLoad">Resolves a persistent id (torch.save's storage references).</param>
    /// <param name="call">Stands in for calling a global with arguments (REDUCE and NEWOBJ).</param>
    public PickleReader(byte[] data, Func<object?, object?> persistentLoad, Func<Global, object?[], object?> call)
    {
        this.data = data;
        this.persistentLoad = persistentLoad;
        this.call = call;
    }

    public object? Load()
    {
        while (true)
        {
            var offset = position;
            var op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                  // PROTO
                case 0x95: position += 8; break;                               // FRAME: framing only
                case (byte)'.': return Pop();                                  // STOP
                case (byte)'(': marks.Push(stack.Count); break;                // MARK
                case (byte)'0': Pop(); break;                                  // POP
                case (byte)'1': PopMark(); break;                              // POP_MARK
                case (byte)'2': Push(stack[^1]); break;                        // DUP
                case (byte)'N': Push(null); break;                             // NONE
                case 0x88: Push(true); break;                                  // NEWTRUE
                case 0x89: Push(false); break;                                 // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;  // BININT
                case (byte)'K': Push((long)ReadByte()); break;                                       // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte(), offset)); break;                                // LONG1
                case 0x8b: Push(ReadLong(ReadLength(4), offset)); break;                             // LONG4
                case (byte)'I': Push(ParseTextInt(ReadLine(), offset)); break;                           // INT
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;          // BINFLOAT
                case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // FLOAT
                case (byte)'X': Push(Encoding.UTF8.GetString(Take(ReadLength(4)))); break;           // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(Take(ReadByte()))); break;                   // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(Take(ReadLength(8)))); break;                // BINUNICODE8
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(ReadLength(4)))); break;         // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(ReadByte()))); break;            // SHORT_BINSTRING
                case (byte)'B': Push(Take(ReadLength(4)).ToArray()); break;                          // BINBYTES
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break;                             // SHORT_BINBYTES
                case 0x8e: Push(Take(ReadLength(8)).ToArray()); break;                               // BINBYTES8
                case (byte)')': Push(Array.Empty<object?>()); break;                                 // EMPTY_TUPLE
                case (byte)'t': Push(PopMark().ToArray()); break;                                    // TUPLE
                case 0x85: Push(PopTuple(1)); break;                                                 // TUPLE1
                case 0x86: Push(PopTuple(2)); break;                                                 // TUPLE2
                case 0x87: Push(PopTuple(3)); break;                                                 // TUPLE3
                case (byte)']': Push(new List<object?>()); break;                                    // EMPTY_LIST
                case (byte)'l': Push(PopMark()); break;                                              // LIST
                case (byte)'a': Append(Pop(), offset); break;                                        // APPEND
                case (byte)'e': foreach (var item in PopMark()) Append(item, offset); break;         // APPENDS
                case (byte)'}': Push(new Dict()); break;                                             // EMPTY_DICT
                case (byte)'d': Push(SetItems(new Dict(), PopMark(), offset)); break;                // DICT
                case (byte)'s': SetItem(offset); break;                                              // SETITEM
                case (byte)'u':                                                                       // SETITEMS
                    var items = PopMark();
                    SetItems(Top(offset), items, offset);
                    break;
                case (byte)'c': Push(new Global(ReadLine(), ReadLine())); break;                     // GLOBAL
                case 0x93:                                                                           // STACK_GLOBAL
                    var name = Pop() as string;
                    var module = Pop() as string;
                    if (name is null || module is null) throw Bad(offset, "STACK_GLOBAL needs two strings");
                    Push(new Global(module, name));
                    break;
                case (byte)'R': Reduce(offset); break;                                               // REDUCE
                case 0x81: Reduce(offset); break;                                                    // NEWOBJ: cls(*args)
                case (byte)'b': Build(offset); break;                                                // BUILD
                case (byte)'Q': Push(persistentLoad(Pop())); break;                                  // BINPERSID
                case (byte)'h': Push(Recall(ReadByte(), offset)); break;                             // BINGET
                case (byte)'j': Push(Recall(ReadLength(4), offset)); break;                          // LONG_BINGET
                case (byte)'g': Push(Recall(ParseMemoKey(ReadLine(), offset), offset)); break;           // GET
                case (byte)'q': memo[ReadByte()] = stack[^1]; break;                                 // BINPUT
                case (byte)'r': memo[ReadLength(4)] = stack[^1]; break;                              // LONG_BINPUT
                case (byte)'p': memo[ParseMemoKey(ReadLine(), offset)] = stack[^1]; break;               // PUT
                case 0x94: memo[memo.Count] = stack[^1]; break;                                      // MEMOIZE
                default: throw Bad(offset, $"opcode 0x{op:x2} ('{(char)op}') is not supported");
            }
        }
    }

    private void Reduce(int offset)
    {
        var args = Pop() as object?[] ?? throw Bad(offset, "a call's arguments are not a tuple");
        var callable = Pop() as Global ?? throw Bad(offset, "only named classes and functions can be called");
        Push(call(callable, args));
    }

    private void Build(int offset)
    {
        var state = Pop();  // the object's __dict__ or __setstate__ argument
        switch (stack.Count == 0 ? null : stack[^1])
        {
            case IStateful stateful:
                stateful.SetState(state);
                break;
            // A state dict's OrderedDict carries _metadata (per-module versions) as an attribute;
            // the dict's entries are what matter, so the attributes are dropped.
            case Dict or Tensor:
                break;
            case var other:
                throw Bad(offset, $"cannot set the state of {Describe(other)}");
        }
    }

    private void Append(object? item, int offset)
    {
        if (stack.Count == 0 || stack[^1] is not List<object?> list) throw Bad(offset, "APPEND to something that is not a list");
        list.Add(item);
    }

    private void SetItem(int offset)
    {
        var value = Pop();
        var key = Pop();
        SetItems(Top(offset), new List<object?> { key, value }, offset);
    }

    private Dict SetItems(object? target, List<object?> items, int offset)
    {
        if (target is not Dict dict) throw Bad(offset, $"cannot add items to {Describe(target)}");
        for (var k = 0; k + 1 < items.Count; k += 2)
            dict.Set(items[k] ?? throw Bad(offset, "a dict key is None"), items[k + 1]);
        return dict;
    }

    private object? Top(int offset) => stack.Count > 0 ? stack[^1] : throw Bad(offset, "the stack is empty");

    private object? Recall(long key, int offset) =>
        memo.TryGetValue(key, out var value) ? value : throw Bad(offset, $"memo entry {key} was never stored");

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        if (stack.Count == 0) throw Bad(position, "the stack is empty");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw Bad(position, "no MARK to pop to");
        var start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private object?[] PopTuple(int count)
    {
        if (stack.Count < count) throw Bad(position, "the stack is shorter than a tuple");
        var items = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return items;
    }

    private byte ReadByte() => position < data.Length ? data[position++] : throw Bad(position, "the pickle ends early");

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || position + count > data.Length) throw Bad(position, "the pickle ends early");
        var span = data.AsSpan(position, (int)count);
        position += (int)count;
        return span;
    }

    private long ReadLength(int bytes) => bytes == 4
        ? BinaryPrimitives.ReadUInt32LittleEndian(Take(4))
        : (long)BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    private string ReadLine()
    {
        var end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0) throw Bad(position, "a text argument has no end of line");
        var text = Encoding.UTF8.GetString(data, position, end - position);
        position = end + 1;
        return text;
    }

    /// <summary>A little-endian two's complement integer (LONG1/LONG4); it must fit in 64 bits.</summary>
    private long ReadLong(long length, int offset)
    {
        if (length > 8) throw Bad(offset, $"an integer of {length} bytes does not fit in 64 bits");
        var bytes = Take(length);
        long value = 0;
        for (var k = (int)length - 1; k >= 0; k--) value = (value << 8) | bytes[k];
        if (length is > 0 and < 8 && (bytes[(int)length - 1] & 0x80) != 0) value -= 1L << (int)(8 * length);
        return value;
    }

    /// <summary>Protocol 0 ints, where "01" and "00" mean True and False.</summary>
    private object ParseTextInt(string text, int offset) => text switch
    {
        "01" => true,
        "00" => false,
        _ => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(offset, $"'{text}' is not an int"),
    };

    private long ParseMemoKey(string text, int offset) => ParseTextInt(text, offset) is long v ? v : throw Bad(offset, $"'{text}' is not a memo key");

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        Global g => g.ToString(),
        Dict => "a dict",
        byte[] => "a bytes object",
        List<object?> => "a list",
        object?[] => "a tuple",
        _ => $"a {value.GetType().Name}",
    };

    private static InvalidDataException Bad(int offset, string message) => new($"pickle byte {offset}: {message}");
}
