namespace SemiSeg.Torch.Distributed;

/// <summary>How <see cref="ProcessGroup.AllReduce"/> combines the ranks' tensors (torch.distributed.ReduceOp).</summary>
public enum ReduceOp
{
    Sum = 0,
    Product = 1,
    Min = 2,
    Max = 3,
}
