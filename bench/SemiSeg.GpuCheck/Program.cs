using SemiSeg.GpuCheck;

// Usage: semiseg-gpu-check cli ARGS...    the semiseg command line
//        semiseg-gpu-check bench ARGS...  the benchmarks (SemiSeg.Bench: u2pl-step, ...)
//        semiseg-gpu-check tests [--all]  the test suite's CUDA-marked tests (--all: every test)
return args.FirstOrDefault() switch
{
    "cli" => EntryPoint.Run("SemiSeg.Cli", args[1..]),
    "bench" => EntryPoint.Run("SemiSeg.Bench", args[1..]),
    "tests" => TestRun.Run(Path.Combine(AppContext.BaseDirectory, "SemiSeg.Tests.dll"), all: args.Contains("--all")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: semiseg-gpu-check <cli|bench|tests> [arguments]");
    return 2;
}
