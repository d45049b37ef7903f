namespace SemiSeg.Torch;

/// <summary>Element types, numbered as c10::ScalarType so the code crosses the ABI unchanged.</summary>
public enum ScalarType
{
    UInt8 = 0, Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, Float16 = 5, Float32 = 6, Float64 = 7,
    Bool = 11, BFloat16 = 15,
}

public static class ScalarTypeExtensions
{
    public static int ElementSize(this ScalarType type) => type switch
    {
        ScalarType.UInt8 or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown scalar type"),
    };

    public static bool IsFloatingPoint(this ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16;

    /// <summary>The managed element type that holds this scalar type's values.</summary>
    internal static ScalarType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32 :
        typeof(T) == typeof(double) ? ScalarType.Float64 :
        typeof(T) == typeof(long) ? ScalarType.Int64 :
        typeof(T) == typeof(int) ? ScalarType.Int32 :
        typeof(T) == typeof(short) ? ScalarType.Int16 :
        typeof(T) == typeof(byte) ? ScalarType.UInt8 :
        typeof(T) == typeof(sbyte) ? ScalarType.Int8 :
        typeof(T) == typeof(bool) ? ScalarType.Bool :
        throw new NotSupportedException($"no tensor element type for {typeof(T).Name}");
}
