using System.Runtime.CompilerServices;

namespace SemiSeg.Torch;

/// <summary>Views, reshaping, type and device conversion.</summary>
public sealed partial class Tensor
{
    public Tensor Reshape(params long[] shape) => Aten.Reshape.Call(this, shape);
    public Tensor View(params long[] shape) => Aten.View.Call(this, shape);
    public Tensor Permute(params long[] dims) => Aten.Permute.Call(this, dims);
    public Tensor Transpose(long dim0, long dim1) => Aten.Transpose.Call(this, dim0, dim1);
    public Tensor Contiguous() => Aten.Contiguous.Call(this);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Aten.Flatten.Call(this, startDim, endDim);
    public Tensor Unsqueeze(long dim) => Aten.Unsqueeze.Call(this, dim);
    public Tensor Squeeze(long dim) => Aten.Squeeze.Call(this, dim);
    /// <summary>Drops every dimension of size 1.</summary>
    public Tensor Squeeze() => Aten.SqueezeAll.Call(this);
    public Tensor Expand(params long[] shape) => Aten.Expand.Call(this, shape);
    public Tensor ExpandAs(Tensor other) => Aten.Expand.Call(this, other.Shape);
    public Tensor Repeat(params long[] repeats) => Aten.Repeat.Call(this, repeats);
    public Tensor Flip(params long[] dims) => Aten.Flip.Call(this, dims);
    public Tensor[] Split(long splitSize, long dim = 0) => Aten.Split.CallMany(this, splitSize, dim);
    public Tensor[] Split(long[] sizes, long dim = 0) => Aten.SplitWithSizes.CallMany(this, sizes, dim);
    public Tensor[] Chunk(long chunks, long dim = 0) => Aten.Chunk.CallMany(this, chunks, dim);
    public Tensor Clone() => Aten.Clone.Call(this);
    /// <summary>The same data cut from the autograd graph.</summary>
    public Tensor Detach() => Aten.Detach.Call(this);

    public Tensor To(ScalarType dtype) => Aten.ToDtype.Call(this, dtype);
    public Tensor To(Device device, [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "") =>
        To(device, Dtype, callerFile, callerMember);

    public Tensor To(Device device, ScalarType dtype, [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        // A device tensor moved to the CPU is a copy to the host, as a value read is.
        if (HostReads.Active && device.Type == DeviceType.CPU && Device.Type != DeviceType.CPU)
            HostReads.Add(Device, "To(cpu)", callerFile, callerMember);
        return Aten.ToDevice.Call(this, device, dtype);
    }
    public Tensor Float() => To(ScalarType.Float32);
    public Tensor Long() => To(ScalarType.Int64);
    public Tensor Bool() => To(ScalarType.Bool);
}
