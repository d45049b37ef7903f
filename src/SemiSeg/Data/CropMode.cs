namespace SemiSeg.Data;

/// <summary>Where a crop is taken (U2PL's crop.type: "rand" or "center").</summary>
public enum CropMode { Random, Center }
