namespace SemiSeg.Torch.nn;

/// <summary>ATen's dropout (_dropout_impl) with the Bernoulli draw taken from a given generator.</summary>
internal static class DropoutMask
{
    /// <param name="maskShape">The input's shape for element dropout, (N, C, 1, 1) for channel dropout.</param>
    internal static Tensor Apply(Tensor input, double p, bool training, Generator generator, long[] maskShape)
    {
        if (!training || p == 0 || input.NumEl == 0) return input.Alias();
        if (p == 1) return input * 0.0;
        using var scope = Torch.NewDisposeScope();
        // Same steps as ATen: noise = empty(maskShape).bernoulli_(1 - p).div_(1 - p); input * noise.
        using var like = Torch.Empty(maskShape, input.Dtype, input.Device);
        var noise = Torch.Bernoulli(like, 1 - p, generator) / (1 - p);
        return scope.MoveToOuter(input * noise);
    }
}
