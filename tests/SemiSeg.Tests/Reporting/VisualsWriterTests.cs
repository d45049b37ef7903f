using System.Text.Json;
using SemiSeg.Reporting;

namespace SemiSeg.Tests.Reporting;

public sealed class VisualsWriterTests
{
    [Fact]
    public void ValidationSceneFilesDecodeToThePictureAndPaletteLabels()
    {
        using var dir = new ScratchDirectory();
        var writer = new VisualsWriter(dir.Path, FakeRun.Classes);
        writer.WriteValidationScene("scene/7", FakeRun.Picture(), FakeRun.Truth(), FakeRun.Prediction());

        var visuals = dir.Combine("visuals");
        var image = PngFile.Read(Path.Combine(visuals, "val_scene_7_image.png"));
        Assert.Equal(FakeRun.Picture().Pixels, image.Pixels);   // PNG is lossless, RGB order kept

        var truth = PngFile.Read(Path.Combine(visuals, "val_scene_7_truth.png"));
        Assert.Equal((FakeRun.Height, FakeRun.Width), (truth.Height, truth.Width));
        Assert.Equal(new Rgb(128, 0, 0), truth[3, 1]);
        Assert.Equal(new Rgb(0, 128, 0), truth[3, 6]);
        Assert.Equal(LabelPalette.HatchColor, truth[0, 4]);
        Assert.Equal(Rgb.White, truth[0, 5]);

        var prediction = PngFile.Read(Path.Combine(visuals, "val_scene_7_prediction.png"));
        Assert.Equal(new Rgb(0, 0, 0), prediction[2, 7]);
        Assert.Equal(new Rgb(128, 0, 0), prediction[2, 6]);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(visuals, "visuals.json")));
        var root = manifest.RootElement;
        Assert.Equal(3, root.GetProperty("class_count").GetInt32());
        Assert.Equal(Math.Log(3), root.GetProperty("entropy_max").GetDouble(), 12);
        var scene = root.GetProperty("validation")[0];
        Assert.Equal("scene/7", scene.GetProperty("id").GetString());
        Assert.Equal("val_scene_7_truth.png", scene.GetProperty("truth").GetString());
        Assert.Equal(0, root.GetProperty("unlabeled").GetArrayLength());
    }

    [Fact]
    public void RewritingASceneReplacesItsEntry()
    {
        using var dir = new ScratchDirectory();
        var writer = new VisualsWriter(dir.Path, FakeRun.Classes);
        writer.WriteValidationScene("a", FakeRun.Picture(), FakeRun.Truth(), FakeRun.Prediction());
        writer.WriteValidationScene("b", FakeRun.Picture(), FakeRun.Truth(), FakeRun.Prediction());
        writer.WriteValidationScene("a", FakeRun.Picture(), FakeRun.Truth(), FakeRun.Truth());
        var manifest = JsonSerializer.Deserialize<VisualsManifest>(File.ReadAllText(dir.Combine("visuals", "visuals.json")))!;
        Assert.Equal(new[] { "b", "a" }, manifest.Validation.Select(v => v.Id));
        var prediction = PngFile.Read(dir.Combine("visuals", "val_a_prediction.png"));
        Assert.Equal(new Rgb(0, 128, 0), prediction[2, 7]);   // the second write's labels
    }

    [Fact]
    public void UnlabeledSceneShowsEntropyPartitionAndUsedPseudoLabel()
    {
        using var dir = new ScratchDirectory();
        var writer = new VisualsWriter(dir.Path, FakeRun.Classes);
        var (entropy, pseudo, reliable) = FakeRun.UnlabeledMaps();
        writer.WriteUnlabeledScene("u1", FakeRun.Picture(), entropy, pseudo, reliable, 12.5);
        var visuals = dir.Combine("visuals");

        var heat = PngFile.Read(Path.Combine(visuals, "unlabeled_u1_entropy.png"));
        Assert.Equal(new Rgb(68, 1, 84), heat[3, 0]);       // entropy 0
        Assert.Equal(new Rgb(253, 231, 37), heat[3, 7]);    // entropy ln 3, the top of the scale

        var partition = PngFile.Read(Path.Combine(visuals, "unlabeled_u1_partition.png"));
        Assert.Equal(VisualsWriter.ReliableColor, partition[2, 3]);
        Assert.Equal(VisualsWriter.UnreliableColor, partition[2, 7]);
        Assert.Equal(LabelPalette.HatchColor, partition[0, 0]);   // no pseudo-label: hatched

        var used = PngFile.Read(Path.Combine(visuals, "unlabeled_u1_pseudo.png"));
        Assert.Equal(new Rgb(0, 128, 0), used[2, 3]);               // class 2 where reliable
        Assert.Equal(LabelPalette.IgnoreAt(7, 1), used[1, 7]);      // unreliable: ignored by the loss
        Assert.Equal(LabelPalette.IgnoreAt(7, 2), used[2, 7]);

        var manifest = JsonSerializer.Deserialize<VisualsManifest>(File.ReadAllText(Path.Combine(visuals, "visuals.json")))!;
        var scene = Assert.Single(manifest.Unlabeled);
        Assert.Equal(12.5, scene.AlphaTPercent);
        Assert.Equal(100.0 * 5 / 40, scene.UnreliablePercent, 12);   // 5 of the 40 valid pixels
        Assert.Equal("unlabeled_u1_partition.png", scene.Partition);
    }

    [Fact]
    public void BadArraysAreRejectedNamingTheSceneAndPixel()
    {
        using var dir = new ScratchDirectory();
        var writer = new VisualsWriter(dir.Path, FakeRun.Classes);
        var prediction = FakeRun.Prediction();
        prediction[2 * FakeRun.Width + 3] = 5;
        var error = Assert.Throws<ArgumentException>(() => writer.WriteValidationScene("s9", FakeRun.Picture(), FakeRun.Truth(), prediction));
        Assert.Contains("prediction of scene 's9' has label 5 at pixel (2, 3)", error.Message);

        var shortTruth = Assert.Throws<ArgumentException>(() => writer.WriteValidationScene("s9", FakeRun.Picture(), new int[10], prediction));
        Assert.Contains("truth of scene 's9' has 10 values", shortTruth.Message);

        var (entropy, pseudo, reliable) = FakeRun.UnlabeledMaps();
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteUnlabeledScene("u", FakeRun.Picture(), entropy, pseudo, reliable, 120));
        Assert.Throws<ArgumentException>(() => writer.WriteUnlabeledScene("u", FakeRun.Picture(), entropy[..5], pseudo, reliable, 20));
        Assert.False(File.Exists(dir.Combine("visuals", "val_s9_image.png")));   // nothing written for a rejected scene
    }
}
