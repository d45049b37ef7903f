using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>A contact sheet of samples: each column an image above its label coloured with the VOC palette (ignore in white).</summary>
public static class DatasetPreview
{
    public static ByteImage Render(SegmentationDataset dataset, IReadOnlyList<int> indices, int scale = 2)
    {
        var samples = indices.Select(dataset.Read).ToList();
        int cellH = samples.Max(s => s.Image.Height), cellW = samples.Max(s => s.Image.Width), gap = 2;
        var sheet = new ByteImage((2 * cellH + gap) * scale, (samples.Count * (cellW + gap) - gap) * scale, 3);
        Array.Fill(sheet.Pixels, (byte)255);
        for (var n = 0; n < samples.Count; n++)
        {
            var (image, label) = (samples[n].Image, samples[n].Label);
            for (var y = 0; y < image.Height; y++)
                for (var x = 0; x < image.Width; x++)
                {
                    var v = label[y, x];
                    var color = v == LabelImage.IgnoreIndex ? ((byte)255, (byte)255, (byte)255) : VocPalette.ColorOf(v);
                    Fill(sheet, y, n * (cellW + gap) + x, scale, image[y, x, 0], image[y, x, 1], image[y, x, 2]);
                    Fill(sheet, cellH + gap + y, n * (cellW + gap) + x, scale, color.Item1, color.Item2, color.Item3);
                }
        }
        return sheet;
    }

    private static void Fill(ByteImage sheet, int y, int x, int scale, byte r, byte g, byte b)
    {
        for (var dy = 0; dy < scale; dy++)
            for (var dx = 0; dx < scale; dx++)
            {
                sheet[y * scale + dy, x * scale + dx, 0] = r;
                sheet[y * scale + dy, x * scale + dx, 1] = g;
                sheet[y * scale + dy, x * scale + dx, 2] = b;
            }
    }
}
