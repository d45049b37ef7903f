namespace SemiSeg.Torch.Serialization;

/// <summary>What a <see cref="TorchValue"/> holds. Python tuples load as lists.</summary>
public enum TorchValueKind { None, Bool, Int, Double, String, Tensor, List, Dict }
