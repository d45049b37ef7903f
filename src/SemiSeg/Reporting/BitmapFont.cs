namespace SemiSeg.Reporting;

/// <summary>
/// Text for the PNG charts: a fixed 7 x 13 pixel font (see <see cref="BitmapFontGlyphs"/>).
/// The SVG charts lay text out with the same advance, so both versions of a chart match.
/// Characters outside printable ASCII are drawn as '?'.
/// </summary>
internal static class BitmapFont
{
    public const int Advance = BitmapFontGlyphs.Width;
    public const int Height = BitmapFontGlyphs.Height;

    /// <summary>Rows from the top of a glyph cell to the baseline.</summary>
    public const int Ascent = 10;

    private static readonly byte[] Rows = Convert.FromHexString(BitmapFontGlyphs.Hex);
    private static readonly int GlyphCount = Rows.Length / Height;

    public static int Measure(string text) => text.Length * Advance;

    /// <summary>
    /// Draws <paramref name="text"/> with its baseline at <paramref name="y"/>, starting at
    /// <paramref name="x"/>; rotated, it reads upwards from (x, y) with the baseline at x.
    /// </summary>
    public static void Draw(RgbImage image, int x, int y, string text, Rgb color, bool rotated = false)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var code = text[i] - BitmapFontGlyphs.FirstChar;
            if (code < 0 || code >= GlyphCount) code = '?' - BitmapFontGlyphs.FirstChar;
            for (var row = 0; row < Height; row++)
            {
                var bits = Rows[code * Height + row];
                if (bits == 0) continue;
                for (var col = 0; col < Advance; col++)
                {
                    if ((bits & (1 << col)) == 0) continue;
                    int along = i * Advance + col, across = row - Ascent;
                    if (rotated) image.Plot(x + across, y - along, color);
                    else image.Plot(x + along, y + across, color);
                }
            }
        }
    }
}
