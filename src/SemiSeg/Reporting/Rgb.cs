namespace SemiSeg.Reporting;

/// <summary>An 8-bit sRGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);

    /// <summary>"#rrggbb", as SVG and CSS take it.</summary>
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    /// <summary>Linear blend: <paramref name="amount"/> 0 gives this colour, 1 gives <paramref name="other"/>.</summary>
    public Rgb Mix(Rgb other, double amount) => new(
        Blend(R, other.R, amount), Blend(G, other.G, amount), Blend(B, other.B, amount));

    private static byte Blend(byte a, byte b, double t) => (byte)Math.Clamp(Math.Round(a + (b - a) * t), 0, 255);

    public override string ToString() => Hex;
}
