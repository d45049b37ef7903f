using Xunit.Abstractions;
namespace SemiSeg.Tests.Torch.Support;

/// <summary>CPU-against-CUDA comparisons that log the measured difference (bench/gpu-check.sh records it).</summary>
internal static class CudaCompare
{
    /// <summary>max |gpu - cpu| &lt;= tolerance * max(1, max |cpu|), shapes equal.</summary>
    public static void Close(string what, Tensor cpu, Tensor gpu, double tolerance, ITestOutputHelper log)
    {
        Assert.Equal(cpu.Shape, gpu.Shape);
        var expected = TensorAssert.Values(cpu);
        var actual = TensorAssert.Values(gpu.To(Device.CPU));
        var scale = Math.Max(1, expected.Max(e => Math.Abs(e)));
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        log.WriteLine($"{what}: max |cuda - cpu| = {worst:E2} (scale {scale:G4}, tolerance {tolerance * scale:E2})");
        Assert.True(worst <= tolerance * scale, $"{what}: max |cuda - cpu| = {worst:E3} > {tolerance} x {scale:G4}");
    }

    /// <summary>|gpu - cpu| &lt;= tolerance * max(1e-3, |cpu|) for one value.</summary>
    public static void Close(string what, double cpu, double gpu, double tolerance, ITestOutputHelper log)
    {
        var difference = Math.Abs(gpu - cpu);
        var relative = difference / Math.Max(1e-3, Math.Abs(cpu));
        log.WriteLine($"{what}: cpu {cpu:R}, cuda {gpu:R}, relative difference {relative:E2} (tolerance {tolerance:E1})");
        Assert.True(relative <= tolerance, $"{what}: cpu {cpu:R}, cuda {gpu:R}: relative difference {relative:E3} > {tolerance}");
    }
}
