using SemiSeg.Cli.Commands;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 19, item 5: predict never writes into its input folder or over earlier outputs, and x.png and x.bmp do not collide.</summary>
public class PredictionOutputsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("semiseg-predict-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void OutputsKeepTheInputsExtension()
    {
        var images = Images("x.png", "x.bmp");
        var stems = PredictionOutputs.Plan(images, Directory.GetFiles(images).Order().ToList(), Path.Combine(root, "out"), overwrite: false);
        Assert.Equal(new[] { Path.Combine(root, "out", "x.bmp"), Path.Combine(root, "out", "x.png") }, stems);
    }

    [Theory]
    [InlineData("")]
    [InlineData("predictions")]
    public void TheInputFolderOrOneInsideItIsRefused(string below)
    {
        var images = Images("x.png");
        var output = Path.Combine(images, below);
        var error = Assert.Throws<ArgumentException>(() => PredictionOutputs.Plan(images, Directory.GetFiles(images), output, overwrite: true));
        Assert.Contains("input folder", error.Message);
        // A single image is judged by its folder.
        var file = Directory.GetFiles(images)[0];
        Assert.Throws<ArgumentException>(() => PredictionOutputs.Plan(file, new[] { file }, output, overwrite: true));
    }

    [Fact]
    public void EarlierOutputsAreKeptUnlessOverwrite()
    {
        var images = Images("a.png", "b.jpg");
        var output = Directory.CreateDirectory(Path.Combine(root, "out")).FullName;
        var existing = Path.Combine(output, "b.jpg_overlay.png");
        File.WriteAllText(existing, "earlier");
        var files = Directory.GetFiles(images).Order().ToList();
        var error = Assert.Throws<IOException>(() => PredictionOutputs.Plan(images, files, output, overwrite: false));
        Assert.Contains(existing, error.Message);
        Assert.Contains("--overwrite", error.Message);
        Assert.Equal(2, PredictionOutputs.Plan(images, files, output, overwrite: true).Count);
        // A sibling folder whose name starts like the input's is not inside it.
        Assert.Single(PredictionOutputs.Plan(images, files.Take(1).ToList(), images + "-out", overwrite: false));
    }

    private string Images(params string[] names)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        foreach (var name in names) File.WriteAllBytes(Path.Combine(folder, name), new byte[] { 1 });
        return folder;
    }
}
