using Microsoft.ML.OnnxRuntime;

namespace SemiSeg.Inference;

/// <summary>
/// Segments images with a network exported by <c>semiseg export</c>, on ONNX Runtime's CPU execution
/// provider. The image is normalised with the model's own mean and std; a model exported at a fixed
/// size (or carrying its config's sliding window) runs over windows of that size with stride 2/3 of
/// it, zero-padding images smaller than one window and averaging the probabilities where windows
/// overlap, as SemiSeg's evaluation does; a dynamic model without a window sees the whole image.
/// Not thread-safe: use one instance per thread (ONNX Runtime parallelises inside a run).
/// </summary>
public sealed class OnnxSegmenter : IDisposable
{
    public const string InputName = "image";
    public const string LogitsName = "logits";
    public const string ProbabilitiesName = "probabilities";

    private readonly InferenceSession session;

    public SegmentationModelInfo Info { get; }

    /// <param name="modelPath">an .onnx file written by semiseg export</param>
    /// <param name="threads">ONNX Runtime's intra-op threads (0: its default, one per core)</param>
    public OnnxSegmenter(string modelPath, int threads = 0)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"{modelPath}: no such model", modelPath);
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be 0 (default) or positive");
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{modelPath}: ONNX Runtime cannot load the model: {e.Message}", e);
        }
        try
        {
            Info = SegmentationModelInfo.Read(session.ModelMetadata.CustomMetadataMap, FixedInputSize(modelPath), modelPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private (int, int)? FixedInputSize(string modelPath)
    {
        if (!session.InputMetadata.TryGetValue(InputName, out var input) || input.Dimensions.Length != 4 || input.Dimensions[1] != 3)
            throw new InvalidDataException($"{modelPath}: expected an input '{InputName}' of shape (N, 3, H, W) (export the model with semiseg export)");
        var (h, w) = (input.Dimensions[2], input.Dimensions[3]);
        return h > 0 && w > 0 ? (h, w) : null;
    }

    /// <summary>The window inference runs over: the fixed input size, else the model's sliding window, else none (whole image).</summary>
    public (int Height, int Width)? Window => Info.InputSize ?? Info.Window;

    /// <summary>Segments a PNG file.</summary>
    public SegmentationResult Segment(string imagePath) => Segment(RgbImage.Load(imagePath));

    /// <summary>Segments interleaved 8-bit RGB pixels (H x W x 3, rows top to bottom).</summary>
    public SegmentationResult Segment(byte[] rgb, int height, int width) => Segment(new RgbImage(height, width, rgb));

    public SegmentationResult Segment(RgbImage image)
    {
        var input = Normalise(image);
        var probabilities = Window is { } window
            ? SlidingWindow.Average(input, image.Height, image.Width, window.Height, window.Width, Info.ClassNames.Count, RunProbabilities)
            : RunProbabilities(input, image.Height, image.Width);
        return new SegmentationResult(image.Height, image.Width, Info.ClassNames, probabilities);
    }

    /// <summary>(3, H, W) float: (pixel - mean) / std per RGB channel, the normalisation the network was trained with.</summary>
    public float[] Normalise(RgbImage image)
    {
        var plane = image.Height * image.Width;
        var data = new float[3 * plane];
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                data[c * plane + i] = (float)((image.Pixels[i * 3 + c] - Info.Mean[c]) / Info.Std[c]);
        return data;
    }

    /// <summary>The network's logits (N, C, H, W) for a normalised batch (N, 3, H, W), without windows.</summary>
    public float[] Logits(float[] normalised, int batch, int height, int width) => Run(LogitsName, normalised, batch, height, width);

    private float[] RunProbabilities(float[] normalised, int height, int width) => Run(ProbabilitiesName, normalised, 1, height, width);

    private float[] Run(string output, float[] normalised, int batch, int height, int width)
    {
        if (normalised.Length != (long)batch * 3 * height * width)
            throw new ArgumentException($"input of {normalised.Length} floats is not ({batch}, 3, {height}, {width})", nameof(normalised));
        if (Info.InputSize is { } size && (size.Height != height || size.Width != width))
            throw new ArgumentException($"the model was exported for {size.Height}x{size.Width} inputs, got {height}x{width}");
        using var value = OrtValue.CreateTensorValueFromMemory(normalised, new long[] { batch, 3, height, width });
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { InputName }, new[] { value }, new[] { output });
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
