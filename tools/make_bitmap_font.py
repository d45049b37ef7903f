#!/usr/bin/python3
"""Writes the bitmap font the report's PNG charts use for tick labels, titles and legends.

Rerun from the repository root (needs Pillow with FreeType and the fonts-dejavu-core package):

    /usr/bin/python3 tools/make_bitmap_font.py

Output: src/SemiSeg/Reporting/BitmapFontGlyphs.cs, the printable ASCII characters (32..126) of
DejaVu Sans Mono at 12 px, each glyph drawn alone into a 7 x 15 cell and thresholded to one bit;
rows 2..14 are kept (no glyph of this font uses rows 0-1), giving 7 x 13 cells with the baseline
after row 9. DejaVu fonts are under the Bitstream Vera licence, which allows derived bitmaps.
The product never runs Python: the table is committed C#.
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SIZE, WIDTH, FIRST_ROW, HEIGHT, THRESHOLD = 12, 7, 2, 13, 110
OUT = Path(__file__).resolve().parent.parent / "src/SemiSeg/Reporting/BitmapFontGlyphs.cs"


def glyph_rows(font, char):
    ascent, descent = font.getmetrics()
    image = Image.new("L", (WIDTH, ascent + descent), 0)
    ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
    rows = []
    for y in range(FIRST_ROW, FIRST_ROW + HEIGHT):
        bits = 0
        for x in range(WIDTH):
            if image.getpixel((x, y)) >= THRESHOLD:
                bits |= 1 << x
        rows.append(bits)
    return rows


def main():
    font = ImageFont.truetype(FONT, SIZE)
    lines = []
    for code in range(32, 127):
        rows = glyph_rows(font, chr(code))
        shown = chr(code).replace("\\", "backslash").replace('"', "quote")
        lines.append(f'        "{"".join(f"{r:02x}" for r in rows)}" + // {code} {shown}')
    text = (
        "// Written by tools/make_bitmap_font.py; do not edit by hand.\n"
        "namespace SemiSeg.Reporting;\n\n"
        "/// <summary>Glyphs of printable ASCII (32..126), DejaVu Sans Mono 12 px: 13 rows of one byte each\n"
        "/// per glyph (bit x = column x of 7), as hex. See tools/make_bitmap_font.py.</summary>\n"
        "internal static class BitmapFontGlyphs\n{\n"
        f"    public const int Width = {WIDTH};\n"
        f"    public const int Height = {HEIGHT};\n"
        "    public const int FirstChar = 32;\n\n"
        "    public const string Hex =\n" + "\n".join(lines) + '\n        "";\n}\n'
    )
    OUT.write_text(text)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
