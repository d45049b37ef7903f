using SemiSeg.Data;

namespace SemiSeg.Tests.Data;

public class SlidingWindowTests
{
    [Fact]
    public void WindowsFollowU2plsGrid()
    {
        // crop 64, stride ceil(64 * 2/3) = 43; rows: ceil((100 - 64) / 43) + 1 = 2, columns: ceil((150 - 64) / 43) + 1 = 3.
        var windows = SlidingWindow.Windows(100, 150, 64, 64);
        Assert.Equal(new[] { (0, 0), (0, 43), (0, 86), (36, 0), (36, 43), (36, 86) }, windows);
    }

    [Theory]
    [InlineData(30, 50, 16)]   // several overlapping windows
    [InlineData(10, 12, 16)]   // smaller than a window: padded
    public void AveragingACopyOfEachWindowGivesTheInputBack(int height, int width, int crop)
    {
        using var scope = SemiSeg.Torch.Torch.NewDisposeScope();
        using var generator = new Generator(1);
        var image = SemiSeg.Torch.Torch.Randn(new long[] { 2, 3, height, width }, generator);
        var calls = 0;
        var result = SlidingWindow.Predict(image, crop, crop, window => { calls++; return window.Clone(); });
        Assert.Equal(new long[] { 2, 3, height, width }, result.Shape);
        Assert.True((result - image).Abs().Max().Item() < 1e-6);
        Assert.Equal(SlidingWindow.Windows(Math.Max(height, crop), Math.Max(width, crop), crop, crop).Count, calls);
    }
}
