namespace SemiSeg.Tests.Torch;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>The binding records each copy into host memory, with its caller, while a recorder is open.</summary>
public class HostReadsTests
{
    [Fact]
    public void EveryReadEntryPointIsRecordedWithItsCaller()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.From(new[] { 1.5, 2.5 });
        using (var reads = HostReads.Record())
        {
            Assert.Equal(1.5, t.Select(0, 0).Item());
            Assert.Equal(2, Tensor.From(new long[] { 2 }).Sum().ItemInt());
            Assert.Equal(new[] { 1.5, 2.5 }, t.ToArray<double>());
            t.CopyTo<double>(new double[2]);
            t.To(Device.CPU);                                   // no copy: already on the host
            var sites = reads.All.Select(r => (r.CallSite, r.Entry, r.Source)).ToArray();
            var here = $"{nameof(HostReadsTests)}.{nameof(EveryReadEntryPointIsRecordedWithItsCaller)}";
            Assert.Equal(new[] { (here, "Item", Device.CPU), (here, "ItemInt", Device.CPU), (here, "CopyTo", Device.CPU), (here, "CopyTo", Device.CPU) }, sites);
            Assert.Empty(reads.FromDevice);
        }
        using (var outer = HostReads.Record())
        {
            using (var inner = HostReads.Record()) t.ToArray<double>();
            t.Sum().Item();
            Assert.Single(outer.All);                           // the inner recorder took the first read
        }
    }
}
