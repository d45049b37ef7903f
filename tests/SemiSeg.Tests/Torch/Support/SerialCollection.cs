namespace SemiSeg.Tests.Torch.Support;

/// <summary>
/// Tests that read process-wide state (the live-tensor count, libtorch's default generator)
/// run in this collection, alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "process-wide libtorch state";
}
