namespace SemiSeg.Tests.Torch.nn;

/// <summary>Paths of the files tools/make_nn_fixtures.py writes with PyTorch.</summary>
internal static class NnFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "nn", name);

    /// <summary>Largest absolute difference between two float tensors of the same shape.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.Shape, b.Shape);
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        return (a.To(ScalarType.Float64) - b.To(ScalarType.Float64)).Abs().Max().Item();
    }
}
