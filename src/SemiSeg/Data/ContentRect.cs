namespace SemiSeg.Data;

/// <summary>The part of a padded crop that holds image content (top, left, height, width).</summary>
public readonly record struct ContentRect(int Top, int Left, int Height, int Width)
{
    public bool Contains(int y, int x) => y >= Top && y < Top + Height && x >= Left && x < Left + Width;
}
