using System.Text.Json;

namespace SemiSeg.Bench;

/// <summary>The official step's numbers, as tools/official_u2pl_step.py prints them.</summary>
internal sealed record OfficialStep(double MeanSeconds, double MedianSeconds, int Steps, int Threads, string OmpWaitPolicy, bool Ddp,
                                    string Torch, IReadOnlyDictionary<string, double> Groups, IReadOnlyDictionary<string, double> Breakdown,
                                    string LoadBefore, string LoadAfter, IReadOnlyList<string> Patches)
{
    public static OfficialStep Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        static Dictionary<string, double> Numbers(JsonElement e) => e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        static string Load(JsonElement e) => string.Join(" ", e.EnumerateArray().Select(v => v.GetDouble().ToString("F2")));
        return new OfficialStep(r.GetProperty("mean_seconds").GetDouble(), r.GetProperty("median_seconds").GetDouble(),
            r.GetProperty("steps").GetInt32(), r.GetProperty("threads").GetInt32(), r.GetProperty("omp_wait_policy").GetString()!,
            r.GetProperty("ddp").GetBoolean(), r.GetProperty("torch").GetString()!, Numbers(r.GetProperty("groups")),
            Numbers(r.GetProperty("breakdown_seconds")), Load(r.GetProperty("load_before")), Load(r.GetProperty("load_after")),
            r.GetProperty("patches").EnumerateArray().Select(p => p.GetString()!).ToList());
    }
}
