namespace SemiSeg.Data;

/// <summary>A garment in a FashionScenes image: its Fashion-MNIST index, class (1-10), side in pixels and top-left corner.</summary>
public readonly record struct PastedGarment(int Source, int Class, int Side, int Top, int Left);
