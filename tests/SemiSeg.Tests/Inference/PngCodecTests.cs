using SemiSeg.Inference;

namespace SemiSeg.Tests.Inference;

/// <summary>The library's own PNG reader decodes what OpenCV (our ImageFile) writes, pixel for pixel, and its label writer round-trips.</summary>
public class PngCodecTests
{
    [Fact]
    public void ReadsRgbPngsWrittenByOpenCvExactly()
    {
        var (height, width) = (23, 31);
        var pixels = new byte[height * width * 3];
        // Smooth ramps plus noise, so that the encoder uses several row filters.
        var random = new Random(5);
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)((i / 3 % width) * 7 + (i / 3 / width) * 3 + random.Next(4));
        var path = Path.Combine(Path.GetTempPath(), $"semiseg-png-{Guid.NewGuid():N}.png");
        try
        {
            ImageFile.Write(path, new ByteImage(height, width, 3, pixels));
            var image = RgbImage.Load(path);
            Assert.Equal((height, width), (image.Height, image.Width));
            Assert.Equal(ImageFile.Read(path).Pixels, image.Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LabelPngsRoundTripThroughOpenCv()
    {
        var (height, width) = (9, 14);
        var labels = Enumerable.Range(0, height * width).Select(i => (byte)(i % 11)).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"semiseg-png-{Guid.NewGuid():N}.png");
        try
        {
            PngCodec.WriteGray(path, height, width, labels);
            var read = ImageFile.Read(path, ImageReadMode.Unchanged);
            Assert.Equal(1, read.Channels);
            Assert.Equal(labels, read.Pixels);
            Assert.Equal(labels.SelectMany(l => new[] { l, l, l }), RgbImage.Load(path).Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OtherFormatsAreOneClearError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"semiseg-png-{Guid.NewGuid():N}.jpg");
        try
        {
            File.WriteAllBytes(path, new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0, 0, 0 });
            var error = Assert.Throws<InvalidDataException>(() => RgbImage.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("not a PNG", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
