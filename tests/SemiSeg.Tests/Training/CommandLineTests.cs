using System.CommandLine;
using SemiSeg.Cli.Commands;

namespace SemiSeg.Tests.Training;

/// <summary>Issue 18, item 8: the command line is named semiseg, and every command that reads a config takes --set, --device and --threads.</summary>
public class CommandLineTests
{
    private static string Help(params string[] args)
    {
        var output = new StringWriter();
        var code = SemiSegCommand.Create().Parse(args.Append("--help").ToArray()).Invoke(new InvocationConfiguration { Output = output, Error = output });
        Assert.Equal(0, code);
        return output.ToString();
    }

    [Fact]
    public void HelpNamesTheCommandAsTheUserTypesIt()
    {
        var help = Help();
        Assert.Contains("semiseg", help);
        Assert.DoesNotContain("SemiSeg.Cli", help);
        Assert.Contains("semiseg eval", Help("eval"));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    [InlineData("pseudo-labels")]
    [InlineData("demo")]
    public void CommandsThatReadAConfigTakeSetDeviceAndThreads(string command)
    {
        var help = Help(command);
        Assert.Contains("--set", help);
        Assert.Contains("--device", help);
        Assert.Contains("--threads", help);
    }

    [Fact]
    public void ModelTakesSetAndThreadsAndPredictTakesFlipScalesAndModel()
    {
        var model = Help("model");
        Assert.Contains("--set", model);
        Assert.Contains("--threads", model);
        var predict = Help("predict");
        Assert.Contains("--flip", predict);
        Assert.Contains("--scales", predict);
        Assert.Contains("--model", predict);
    }

    [Fact]
    public void DeviceAndThreadsBecomeTheirConfigKeys()
    {
        var command = new Command("x");
        var options = new RunOptions().AddTo(command);
        var result = command.Parse(new[] { "--set", "trainer.epochs=3", "--device", "cuda:1", "--threads", "2" });
        Assert.Equal(new[] { "trainer.epochs=3", "device=cuda:1", "threads=2" }, options.Overrides(result));
    }

    [Fact]
    public void ModelAppliesSetOverrides()
    {
        var path = Path.Combine(Path.GetTempPath(), $"semiseg-model-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            net:
              num_classes: 5
              encoder:
                type: resnet18
                kwargs:
                  width: 8
              decoder:
                type: u2pl.models.decoder.dec_deeplabv3_plus
                kwargs:
                  inner_planes: 8
                  head_planes: 8
                  rep_planes: 8
            """);
        try
        {
            var (output, errors) = (new StringWriter(), new StringWriter());
            var code = ModelCommand.Run(path, json: true, "33", output, errors, new[] { "net.num_classes=7" });
            Assert.True(code == 0, errors.ToString());
            var outputs = System.Text.Json.JsonDocument.Parse(output.ToString()).RootElement.GetProperty("outputs").EnumerateArray();
            var prediction = outputs.First(o => o.GetProperty("name").GetString() == "prediction");
            Assert.Equal(7, prediction.GetProperty("shape")[1].GetInt64());
            var bad = ModelCommand.Run(path, json: true, "33", new StringWriter(), errors = new StringWriter(), new[] { "net.encoder.kwargs.widht=4" });
            Assert.Equal(2, bad);
            Assert.Contains("net.encoder.kwargs.widht", errors.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
