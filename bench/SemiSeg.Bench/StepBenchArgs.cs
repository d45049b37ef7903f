namespace SemiSeg.Bench;

/// <summary>Options of the u2pl-step mode (see <see cref="U2plStepBench"/>).</summary>
internal sealed record StepBenchArgs(string? Fashion, string? Reference, string? Official, int Steps, int Warmup, string[] ThreadOverride,
                                     List<string> Overrides, string? Label, bool Brief)
{
    public static StepBenchArgs Parse(string[] args)
    {
        string? fashion = null, reference = null, official = null, label = null;
        int steps = 20, warmup = 3, threads = 2;
        var overrides = new List<string>();
        var brief = false;
        for (var k = 0; k < args.Length; k++)
        {
            string Value() => k + 1 < args.Length ? args[++k] : throw new ArgumentException($"{args[k]} needs a value");
            switch (args[k])
            {
                case "--fashion": fashion = Value(); break;
                case "--reference": reference = Value(); break;
                case "--official": official = Value(); break;
                case "--steps": steps = int.Parse(Value()); break;
                case "--warmup": warmup = int.Parse(Value()); break;
                case "--threads": threads = int.Parse(Value()); break;
                case "--set": overrides.Add(Value()); break;
                case "--label": label = Value(); break;
                case "--brief": brief = true; break;
                default: throw new ArgumentException($"unknown option {args[k]}");
            }
        }
        if (steps < 1 || warmup < 1) throw new ArgumentException("--steps and --warmup must be at least 1");
        return new StepBenchArgs(fashion, reference, official, steps, warmup, new[] { $"threads={threads}" }, overrides, label, brief);
    }
}
