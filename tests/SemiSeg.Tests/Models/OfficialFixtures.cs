using System.Text.Json;

namespace SemiSeg.Tests.Models;

/// <summary>The files of tools/make_official_checkpoint.py (Fixtures/official).</summary>
internal static class OfficialFixtures
{
    public static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "official", file);

    public static JsonElement Json(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path(file)));
        return json.RootElement.Clone();
    }
}
