using SemiSeg.Bench;

// Usage: dotnet SemiSeg.Bench.dll <engine|memory> [options]; see bench/*.sh.
return args.FirstOrDefault() switch
{
    "engine" => EngineBench.Run(args.Skip(1).ToArray()),
    "memory" => MemoryBench.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: SemiSeg.Bench <engine|memory> [options]");
    return 2;
}
