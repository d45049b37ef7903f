namespace SemiSeg.Tests.Torch.Support;

/// <summary>Element-wise comparisons of tensors against PyTorch's values, naming the first element that differs.</summary>
internal static class TensorAssert
{
    /// <summary>Same shape and |actual - expected| &lt;= atol + rtol * |expected| everywhere (torch.allclose).</summary>
    public static void Close(OpFixture fixture, string expectedName, Tensor actual, double atol = 1e-5, double rtol = 1e-5)
    {
        var label = $"{fixture.Path}:{expectedName}";
        Assert.True(fixture.Shape(expectedName).SequenceEqual(actual.Shape),
            $"{label}: shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", fixture.Shape(expectedName))}]");
        Close(fixture.Values(expectedName), actual, atol, rtol, label);
    }

    /// <summary>Same shape, dtype and exactly the same values (for indices, masks and seeded draws).</summary>
    public static void Equal(OpFixture fixture, string expectedName, Tensor actual)
    {
        var label = $"{fixture.Path}:{expectedName}";
        Assert.True(fixture.Dtype(expectedName) == actual.Dtype, $"{label}: dtype {actual.Dtype}, expected {fixture.Dtype(expectedName)}");
        Close(fixture, expectedName, actual, 0, 0);
    }

    public static void Close(double[] expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5, string label = "tensor")
    {
        var values = Values(actual);
        Assert.True(expected.Length == values.Length, $"{label}: {values.Length} elements, expected {expected.Length}");
        for (var k = 0; k < values.Length; k++)
        {
            var ok = Math.Abs(values[k] - expected[k]) <= atol + rtol * Math.Abs(expected[k]) || values[k].Equals(expected[k]);
            Assert.True(ok, $"{label}: element {k} is {values[k]:R}, expected {expected[k]:R} (atol {atol}, rtol {rtol})");
        }
    }

    /// <summary>The tensor's elements as doubles, whatever its dtype.</summary>
    public static double[] Values(Tensor t)
    {
        using var wide = t.To(ScalarType.Float64);
        return wide.ToArray<double>();
    }
}
