using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SemiSeg.Models;
using SemiSeg.Torch;
using YamlDotNet.RepresentationModel;

namespace SemiSeg.Cli.Commands;

/// <summary>
/// `semiseg model --config FILE [--json] [--size HxW] [--set key=value ...] [--threads N]`: builds the network a config's net: section
/// describes and prints its parameters (total and per part), output shapes for the configured crop,
/// and forward multiply-adds, so a config can be checked before training.
/// </summary>
internal static class ModelCommand
{
    /// <summary>The crop when neither the config (dataset.train.crop.size) nor --size gives one: U2PL's PASCAL crop.</summary>
    private const int DefaultCrop = 513;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "U2PL-style config file (YAML) with a net: section", Required = true };
        var json = new Option<bool>("--json") { Description = "print the summary as JSON" };
        var size = new Option<string?>("--size") { Description = "input size HxW (or one number for a square); default: the config's train crop" };
        var set = new Option<string[]>("--set") { Description = "override a config key: --set net.num_classes=19 (repeatable; the value is YAML)" };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads for the measurement (the model is built and measured on the CPU)" };
        var command = new Command("model", "Build the configured network and print its parameters, output shapes and forward GFLOPs")
        {
            config, json, size, set, threads,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(threads) is { } n && n > 0) Torch.Torch.NumThreads = n;
            return Run(result.GetValue(config)!.FullName, result.GetValue(json), result.GetValue(size), Console.Out, Console.Error,
                       result.GetValue(set));
        });
        return command;
    }

    public static int Run(string configPath, bool json, string? size, TextWriter output, TextWriter errors, IEnumerable<string>? overrides = null)
    {
        try
        {
            var root = Config.ConfigNode.Load(configPath);
            foreach (var assignment in overrides ?? Array.Empty<string>()) root.Set(assignment);
            NetConfig net;
            try
            {
                net = NetConfigYaml.FromRoot(root.Mapping);
            }
            catch (ConfigException e) when (e.Source is null)
            {
                throw e.InFile(configPath);
            }
            var (height, width) = size is null ? CropSize(root.Mapping, configPath) : ParseSize("--size", size);
            using var generator = new Generator(0);
            using var model = ModelBuilder.Build(net, generator);
            var summary = ModelSummary.Measure(model, height, width);
            output.Write(json ? JsonSerializer.Serialize(summary, JsonOptions) + Environment.NewLine : summary.ToText());
            return 0;
        }
        catch (Exception e) when (e is ConfigException or FileNotFoundException or FormatException)
        {
            errors.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // print "+" in the description, not \u002B
    };

    /// <summary>dataset.train.crop.size of the config as (H, W), or the default crop when absent.</summary>
    private static (long Height, long Width) CropSize(YamlMappingNode root, string configPath)
    {
        YamlNode? node = root;
        foreach (var key in new[] { "dataset", "train", "crop", "size" })
            node = node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        if (node is null) return (DefaultCrop, DefaultCrop);
        var values = node is YamlSequenceNode s ? s.Children.Select(c => c.ToString()).ToArray() : new[] { node.ToString() };
        return ParseSize($"{configPath}: dataset.train.crop.size", string.Join("x", values));
    }

    private static (long Height, long Width) ParseSize(string what, string text)
    {
        var parts = text.Split('x', 'X', ',');
        var numbers = parts.Select(p => long.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1).ToArray();
        if (numbers.Length is < 1 or > 2 || numbers.Any(n => n < 0))
            throw new FormatException($"{what}: expected a size such as 513x513 or [769, 769], got '{text}'");
        return (numbers[0], numbers[^1]);
    }
}
