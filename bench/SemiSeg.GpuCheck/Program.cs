using SemiSeg.GpuCheck;

// Usage: semiseg-gpu-check cli ARGS...    the semiseg command line
//        semiseg-gpu-check bench ARGS...  the benchmarks (SemiSeg.Bench: u2pl-step, ...)
//        semiseg-gpu-check tests          the test suite's CUDA-marked tests
return args.FirstOrDefault() switch
{
    "cli" => EntryPoint.Run("SemiSeg.Cli", args[1..]),
    "bench" => EntryPoint.Run("SemiSeg.Bench", args[1..]),
    "tests" => CudaTestRun.Run(System.Reflection.Assembly.Load("SemiSeg.Tests")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: semiseg-gpu-check <cli|bench|tests> [arguments]");
    return 2;
}
