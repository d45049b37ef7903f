namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>
/// Torch.Autocast(device, dtype) runs libtorch's autocast as torch.autocast does: convolutions in the
/// fast dtype, fp32-list ops in float32, and the previous state back after the scope, also when the
/// scope ends with an exception.
/// </summary>
public class AutocastTests
{
    private static Tensor Input() => Torch.Randn(new long[] { 1, 3, 6, 6 }, new Generator(3));
    private static Tensor Weight() => Torch.Randn(new long[] { 4, 3, 3, 3 }, new Generator(4));

    [Fact]
    public void Conv2dRunsInBFloat16InsideTheScopeAndInFloat32After()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Input();
        var w = Weight();
        Assert.False(Torch.IsAutocastEnabled(DeviceType.CPU));
        using (Torch.Autocast(DeviceType.CPU, ScalarType.BFloat16))
        {
            Assert.True(Torch.IsAutocastEnabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, F.Conv2d(x, w, padding: 1).Dtype);
            // cross-entropy is on the CPU's fp32 list (torch 1.13 leaves softmax in the input's dtype, as here)
            var logits = F.Conv2d(x, w, padding: 1);
            Assert.Equal(ScalarType.Float32, F.CrossEntropy(logits, Torch.Zeros(new long[] { 1, 6, 6 }, ScalarType.Int64)).Dtype);
            Assert.Equal(ScalarType.BFloat16, F.Softmax(logits, 1).Dtype);
        }
        Assert.False(Torch.IsAutocastEnabled(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, F.Conv2d(x, w, padding: 1).Dtype);
    }

    [Fact]
    public void AnExceptionInsideTheScopeStillRestoresTheState()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Input();
        var w = Weight();
        Assert.Throws<TorchException>(() =>
        {
            using var autocast = Torch.Autocast(DeviceType.CPU, ScalarType.BFloat16);
            F.Conv2d(x, Torch.Randn(new long[] { 4, 5, 3, 3 }), padding: 1); // 5 input channels for 3: libtorch throws
        });
        Assert.False(Torch.IsAutocastEnabled(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, F.Conv2d(x, w, padding: 1).Dtype);
    }

    [Fact]
    public void NestedScopesRestoreTheOuterOne()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Input();
        var w = Weight();
        using (Torch.Autocast(DeviceType.CPU, ScalarType.BFloat16))
        {
            using (Torch.Autocast(DeviceType.CPU, ScalarType.BFloat16, enabled: false))
            {
                Assert.False(Torch.IsAutocastEnabled(DeviceType.CPU));
                Assert.Equal(ScalarType.Float32, F.Conv2d(x, w, padding: 1).Dtype);
            }
            Assert.True(Torch.IsAutocastEnabled(DeviceType.CPU)); // the inner scope restores "on"
            Assert.Equal(ScalarType.BFloat16, F.Conv2d(x, w, padding: 1).Dtype);
        }
        Assert.False(Torch.IsAutocastEnabled(DeviceType.CPU));
        Assert.Equal(ScalarType.BFloat16, SemiSeg.Torch.AutocastScope.GetDtype(DeviceType.CPU)); // libtorch's CPU default
    }

    [Fact]
    public void DisposingTwiceDecrementsTheNestingOnce()
    {
        var outer = Torch.Autocast(DeviceType.CPU, ScalarType.BFloat16);
        var inner = Torch.Autocast(DeviceType.CPU, ScalarType.BFloat16);
        inner.Dispose();
        inner.Dispose();
        Assert.True(Torch.IsAutocastEnabled(DeviceType.CPU));
        outer.Dispose();
        Assert.False(Torch.IsAutocastEnabled(DeviceType.CPU));
    }

    [Fact]
    public void AFullPrecisionDtypeIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Torch.Autocast(DeviceType.CPU, ScalarType.Float32));
        Assert.Contains("BFloat16 or Float16", error.Message);
        Assert.False(Torch.IsAutocastEnabled(DeviceType.CPU));
    }
}
