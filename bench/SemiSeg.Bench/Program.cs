using SemiSeg.Bench;

// Usage: dotnet SemiSeg.Bench.dll <engine|memory|models|u2pl-step|onnx-speed> [options]; see bench/*.sh.
return args.FirstOrDefault() switch
{
    "engine" => EngineBench.Run(args.Skip(1).ToArray()),
    "memory" => MemoryBench.Run(args.Skip(1).ToArray()),
    "models" => ModelsBench.Run(args.Skip(1).ToArray()),
    "u2pl-step" => U2plStepBench.Run(args.Skip(1).ToArray()),
    "onnx-speed" => OnnxSpeedBench.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: SemiSeg.Bench <engine|memory|models|u2pl-step|onnx-speed> [options]");
    return 2;
}
