using SemiSeg.Tests.Torch.Support;

namespace SemiSeg.Tests.Torch;

using Torch = SemiSeg.Torch.Torch;

/// <summary>
/// Dispose scopes free every tensor created while open. Serial: the live-tensor count is
/// process-wide, so no other test may create tensors meanwhile.
/// </summary>
[Collection(SerialCollection.Name)]
public class DisposeScopeTests
{
    public DisposeScopeTests()
    {
        // Tensors other tests dropped without disposing are freed by finalizers; let them run
        // now so they do not change the count in the middle of a test.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void TensorsAreFreedAtTheEndOfTheScope()
    {
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        Tensor a, b;
        using (var scope = Torch.NewDisposeScope())
        {
            a = Torch.Ones(new long[] { 2, 2 });
            b = F.Relu(a * 3 - 1);
            Assert.Equal(before + 4, Tensor.LiveCount); // ones, a * 3, - 1, relu
            Assert.Equal(4, scope.Count);
        }
        Assert.True(a.IsDisposed);
        Assert.True(b.IsDisposed);
        Assert.Equal(before, Tensor.LiveCount);
        Assert.Throws<ObjectDisposedException>(() => a.Shape);
    }

    [Fact]
    public void MoveToOuterKeepsOneTensorAlive()
    {
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        Tensor kept;
        using (var scope = Torch.NewDisposeScope())
        {
            var x = Torch.Arange(4, ScalarType.Float32);
            kept = scope.MoveToOuter(x.Sum());
            Assert.Equal(1, scope.Count);
        }
        Assert.False(kept.IsDisposed);
        Assert.Equal(6.0, kept.Item());
        Assert.Equal(before + 1, Tensor.LiveCount);
        kept.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void NestedScopesHandResultsOutward()
    {
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        using (var outer = Torch.NewDisposeScope())
        {
            var x = Torch.Ones(new long[] { 3 });
            Tensor fromInner, droppedInner;
            using (var inner = Torch.NewDisposeScope())
            {
                Assert.Same(inner, DisposeScope.Current);
                Assert.Same(outer, inner.Outer);
                droppedInner = x * 2;
                fromInner = (x + 1).MoveToOuterDisposeScope(); // now owned by outer
            }
            Assert.Same(outer, DisposeScope.Current);
            Assert.True(droppedInner.IsDisposed);
            Assert.False(fromInner.IsDisposed);
            Assert.Equal(2, outer.Count);
            Assert.Equal(before + 2, Tensor.LiveCount);
            Assert.Equal(new float[] { 2, 2, 2 }, fromInner.ToArray<float>());
        }
        Assert.Null(DisposeScope.Current);
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void DetachedTensorsOutliveEveryScopeAndEarlyDisposeIsSafe()
    {
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        Tensor owned;
        using (Torch.NewDisposeScope())
        {
            using (Torch.NewDisposeScope())
                owned = Torch.Zeros(new long[] { 2 }).DetachFromDisposeScope();
            var early = Torch.Ones(new long[] { 2 });
            early.Dispose(); // the scope must not free it a second time
            early.Dispose();
        }
        Assert.False(owned.IsDisposed);
        Assert.Equal(before + 1, Tensor.LiveCount);
        owned.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void LibraryFunctionsWithTheirOwnScopesLeakNothing()
    {
        using var scope = Torch.NewDisposeScope();
        var probabilities = F.Softmax(Torch.Ones(new long[] { 2, 3, 2, 2 }), 1);
        var before = SemiSeg.Tests.Torch.Support.LiveTensors.Settled();
        var entropy = F.Entropy(probabilities);
        var unit = F.Normalize(probabilities);
        var (values, indices) = probabilities.Max(1);
        Assert.Equal(before + 4, Tensor.LiveCount);
        Assert.False(entropy.IsDisposed || unit.IsDisposed || values.IsDisposed || indices.IsDisposed);
    }

    [Fact]
    public void RepeatedStepsDoNotDriftTheLiveCount()
    {
        using var weight = Torch.Ones(new long[] { 2, 2, 3, 3 }).DetachFromDisposeScope().RequiresGrad_();
        var counts = new List<long>();
        for (var step = 0; step < 3; step++)
        {
            using (var scope = Torch.NewDisposeScope())
            {
                var x = Torch.Ones(new long[] { 1, 2, 5, 5 });
                var loss = F.CrossEntropy(F.Conv2d(x, weight, padding: 1), Torch.Zeros(new long[] { 1, 5, 5 }, ScalarType.Int64));
                loss.Backward();
                using var grad = weight.Grad!;
                grad.ZeroInPlace();
            }
            counts.Add(Tensor.LiveCount);
        }
        // the gradient buffer is created in step one and reused, so the count is flat from then on
        Assert.Equal(counts[0], counts[1]);
        Assert.Equal(counts[1], counts[2]);
    }
}
