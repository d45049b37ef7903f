namespace SemiSeg.Data;

/// <summary>
/// A batch in managed memory, as loader workers make it: images (B, 3, H, W) floats, labels
/// (B, H, W) bytes (255 = ignore), optional strong images. The training thread turns it into
/// tensors with <see cref="ToTensors"/>.
/// </summary>
public sealed class SampleBatch
{
    public int Size { get; }
    public int Height { get; }
    public int Width { get; }
    public const int Channels = 3;
    public float[] Images { get; }
    public byte[] Labels { get; }
    public float[]? StrongImages { get; }
    /// <summary>Sample ids and dataset indices, in batch order.</summary>
    public string[] Ids { get; }
    public int[] Indices { get; }

    public SampleBatch(IReadOnlyList<AugmentedSample> samples, int[] indices)
    {
        if (samples.Count == 0) throw new ArgumentException("a batch needs at least one sample");
        var first = samples[0];
        foreach (var s in samples)
            if (s.Height != first.Height || s.Width != first.Width)
                throw new InvalidOperationException($"samples {first.Id} ({first.Height}x{first.Width}) and {s.Id} ({s.Height}x{s.Width}) differ in size; crop them or use batch size 1");
        Size = samples.Count; Height = first.Height; Width = first.Width;
        Ids = samples.Select(s => s.Id).ToArray();
        Indices = indices;
        var imageSize = Channels * Height * Width;
        var labelSize = Height * Width;
        Images = new float[Size * imageSize];
        Labels = new byte[Size * labelSize];
        var strong = samples.All(s => s.StrongImage is not null);
        StrongImages = strong ? new float[Size * imageSize] : null;
        for (var i = 0; i < Size; i++)
        {
            samples[i].Image.CopyTo(Images, i * imageSize);
            samples[i].Label.CopyTo(Labels, i * labelSize);
            if (strong) samples[i].StrongImage!.CopyTo(StrongImages!, i * imageSize);
        }
    }

    /// <summary>Tensors on <paramref name="device"/>; call on the training thread. Labels become int64.</summary>
    public TensorBatch ToTensors(Device? device = null)
    {
        var d = device ?? Device.CPU;
        using var scope = Torch.Torch.NewDisposeScope();
        var images = Tensor.From<float>(Images, new long[] { Size, Channels, Height, Width }, d);
        var labels = Tensor.From<byte>(Labels, new long[] { Size, Height, Width }, d).Long();
        var strong = StrongImages is null ? null : Tensor.From<float>(StrongImages, new long[] { Size, Channels, Height, Width }, d);
        scope.MoveToOuter(images); scope.MoveToOuter(labels);
        if (strong is not null) scope.MoveToOuter(strong);
        return new TensorBatch(images, labels, strong, Ids);
    }
}
