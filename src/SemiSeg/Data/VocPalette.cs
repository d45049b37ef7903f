namespace SemiSeg.Data;

/// <summary>
/// The PASCAL VOC colour map: colour of class index i, as stored in the palette of
/// SegmentationClass PNGs (index 255, the ignore border, is (224, 224, 192)). OpenCV expands
/// palette PNGs to colours, so labels are mapped back to indices through this table.
/// </summary>
public static class VocPalette
{
    private static readonly byte[] Colors = Build();
    private static readonly Dictionary<int, byte> IndexOfColor = BuildInverse();

    private static byte[] Build()
    {
        var colors = new byte[256 * 3];
        for (var index = 0; index < 256; index++)
        {
            int r = 0, g = 0, b = 0, value = index;
            // Bits of the index are spread over the colour channels from the most significant bit down.
            for (var bit = 7; value != 0; bit--, value >>= 3)
            {
                r |= (value & 1) << bit;
                g |= ((value >> 1) & 1) << bit;
                b |= ((value >> 2) & 1) << bit;
            }
            colors[index * 3] = (byte)r; colors[index * 3 + 1] = (byte)g; colors[index * 3 + 2] = (byte)b;
        }
        return colors;
    }

    private static Dictionary<int, byte> BuildInverse()
    {
        var inverse = new Dictionary<int, byte>();
        for (var i = 0; i < 256; i++) inverse.TryAdd(Key(Colors[i * 3], Colors[i * 3 + 1], Colors[i * 3 + 2]), (byte)i);
        return inverse;
    }

    private static int Key(byte r, byte g, byte b) => (r << 16) | (g << 8) | b;

    public static (byte R, byte G, byte B) ColorOf(int index) => (Colors[index * 3], Colors[index * 3 + 1], Colors[index * 3 + 2]);

    /// <summary>The 256 x RGB table (for writing palette PNGs and coloured previews).</summary>
    public static ReadOnlySpan<byte> Table => Colors;

    public static bool TryIndexOf(byte r, byte g, byte b, out byte index) => IndexOfColor.TryGetValue(Key(r, g, b), out index);
}
