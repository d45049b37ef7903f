namespace SemiSeg.Data;

/// <summary>The twelve operations of iMAS's augment_list(), in its order.</summary>
public enum IntensityOp { Identity, AutoContrast, Equalize, Invert, Blur, Contrast, Brightness, Color, Sharpness, Posterize, Solarize, Hue }
