namespace SemiSeg.Tests.Methods;

/// <summary>Comparisons of tensors with expected values.</summary>
internal static class TensorAssert
{
    public static void Close(Tensor expected, Tensor actual, double tolerance, string what = "")
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.To(ScalarType.Float64).ToArray<double>();
        var a = actual.To(ScalarType.Float64).ToArray<double>();
        for (var k = 0; k < e.Length; k++)
            Assert.True(Math.Abs(e[k] - a[k]) <= tolerance, $"{what}[{k}]: expected {e[k]}, got {a[k]} (tolerance {tolerance})");
    }

    public static void Equal(Tensor expected, Tensor actual, string what = "")
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.To(ScalarType.Int64).ToArray<long>();
        var a = actual.To(ScalarType.Int64).ToArray<long>();
        for (var k = 0; k < e.Length; k++)
            Assert.True(e[k] == a[k], $"{what}[{k}]: expected {e[k]}, got {a[k]}");
    }

    public static void Close(double expected, double actual, double tolerance, string what = "") =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected}, got {actual} (tolerance {tolerance})");
}
