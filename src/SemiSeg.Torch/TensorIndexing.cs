namespace SemiSeg.Torch;

/// <summary>Selection by position, mask and index tensors.</summary>
public sealed partial class Tensor
{
    /// <summary>x[mask] for a bool mask, or x[index] for an int64 index tensor along dim 0.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Tensor indexOrMask] => Aten.Index.Call(this, new Tensor?[] { indexOrMask });

    /// <summary>Advanced indexing with one entry per leading dim; null keeps that dim whole (x[:, idx]).</summary>
    public Tensor Index(params Tensor?[] indices) => Aten.Index.Call(this, indices);

    /// <summary>x[indices] = values (accumulate adds instead of overwriting), in place.</summary>
    public Tensor IndexPutInPlace(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        Aten.IndexPut.CallInPlace(this, indices, values, accumulate);
        return this;
    }

    /// <summary>x.select(dim, index): drops dimension dim.</summary>
    public Tensor Select(long dim, long index) => Aten.Select.Call(this, dim, index);

    /// <summary>x[start:end:step] along dim (null bounds mean the ends).</summary>
    public Tensor Slice(long dim, long? start, long? end, long step = 1) =>
        Aten.Slice.Call(this, dim, Arg.Optional(start), Arg.Optional(end), step);

    public Tensor Narrow(long dim, long start, long length) => Aten.Narrow.Call(this, dim, start, length);
    public Tensor Gather(long dim, Tensor index) => Aten.Gather.Call(this, dim, index);
    public Tensor Scatter(long dim, Tensor index, Tensor source) => Aten.ScatterSrc.Call(this, dim, index, source);
    public Tensor Scatter(long dim, Tensor index, double value) => Aten.ScatterValue.Call(this, dim, index, value);
    /// <summary>x.scatter_(dim, index, src): writes src into this tensor in place.</summary>
    public Tensor ScatterInPlace(long dim, Tensor index, Tensor source) { Aten.ScatterSrcInPlace.CallInPlace(this, dim, index, source); return this; }
    public Tensor ScatterInPlace(long dim, Tensor index, double value) { Aten.ScatterValueInPlace.CallInPlace(this, dim, index, value); return this; }
    /// <summary>Adds source into a copy of this tensor at index along dim; repeated indices accumulate.</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor source) => Aten.ScatterAdd.Call(this, dim, index, source);
    /// <summary>
    /// Reduces source into a copy of this tensor at index along dim, as torch.scatter_reduce:
    /// reduce is "sum", "prod", "mean", "amax" or "amin"; includeSelf counts this tensor's values.
    /// </summary>
    public Tensor ScatterReduce(long dim, Tensor index, Tensor source, string reduce, bool includeSelf = true) =>
        Aten.ScatterReduce.Call(this, dim, index, source, reduce, ((Arg)includeSelf).Named("include_self"));
    public Tensor MaskedSelect(Tensor mask) => Aten.MaskedSelect.Call(this, mask);
    public Tensor MaskedFill(Tensor mask, double value) => Aten.MaskedFill.Call(this, mask, value);
    public Tensor MaskedFillInPlace(Tensor mask, double value) { Aten.MaskedFillInPlace.CallInPlace(this, mask, value); return this; }
    public Tensor IndexSelect(long dim, Tensor index) => Aten.IndexSelect.Call(this, dim, index);
    /// <summary>Indices of non-zero elements, shape (N, Dim).</summary>
    public Tensor Nonzero() => Aten.Nonzero.Call(this);
}
