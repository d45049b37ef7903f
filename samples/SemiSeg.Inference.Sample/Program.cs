// Segments a PNG image with a model exported by `semiseg export`, using only SemiSeg.Inference:
//   dotnet run --project samples/SemiSeg.Inference.Sample -- model.onnx image.png [labels.png]
// prints the share of each class and, when asked, writes the label map (pixel value = class).
using SemiSeg.Inference;

if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: SemiSeg.Inference.Sample MODEL.onnx IMAGE.png [LABELS.png]");
    return 2;
}
try
{
    using var segmenter = new OnnxSegmenter(args[0], threads: 2);
    var result = segmenter.Segment(args[1]);
    Console.WriteLine($"{args[1]}: {result.Width}x{result.Height}, {result.NumClasses} classes");
    var counts = result.PixelCounts();
    for (var c = 0; c < result.NumClasses; c++)
        if (counts[c] > 0) Console.WriteLine($"  {c,3} {result.ClassNames[c],-16} {100.0 * counts[c] / result.Labels.Length,6:F2}%");
    if (args.Length == 3)
    {
        result.SaveLabelPng(args[2]);
        Console.WriteLine($"labels -> {args[2]}");
    }
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
