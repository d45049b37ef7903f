namespace SemiSeg.Inference;

/// <summary>
/// A segmented image: the class of every pixel (<see cref="Labels"/>, row-major H x W) and the per-class
/// probabilities (<see cref="Probabilities"/>, class-major C x H x W: <c>[(c * Height + y) * Width + x]</c>).
/// </summary>
public sealed class SegmentationResult
{
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int[] Labels { get; }
    public float[] Probabilities { get; }

    internal SegmentationResult(int height, int width, IReadOnlyList<string> classNames, float[] probabilities)
    {
        (Height, Width, ClassNames, Probabilities) = (height, width, classNames, probabilities);
        Labels = ArgMax(probabilities, classNames.Count, height * width);
    }

    public int NumClasses => ClassNames.Count;

    public float Probability(int classIndex, int y, int x) => Probabilities[((long)classIndex * Height + y) * Width + x];

    /// <summary>Pixels of each class, in class order.</summary>
    public int[] PixelCounts()
    {
        var counts = new int[NumClasses];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>The label map as a greyscale PNG (pixel value = class index; needs at most 256 classes).</summary>
    public void SaveLabelPng(string path)
    {
        if (NumClasses > 256) throw new InvalidOperationException($"{NumClasses} classes do not fit an 8-bit PNG");
        PngCodec.WriteGray(path, Height, Width, Labels.Select(l => (byte)l).ToArray());
    }

    /// <summary>The first class of highest probability at each pixel (ties go to the lower index, as torch.argmax).</summary>
    private static int[] ArgMax(float[] probabilities, int classes, int plane)
    {
        var labels = new int[plane];
        for (var i = 0; i < plane; i++)
        {
            var best = probabilities[i];
            for (var c = 1; c < classes; c++)
            {
                var p = probabilities[(long)c * plane + i];
                if (p > best) (best, labels[i]) = (p, c);
            }
        }
        return labels;
    }
}
