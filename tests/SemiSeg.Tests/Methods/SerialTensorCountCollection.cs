namespace SemiSeg.Tests.Methods;

/// <summary>
/// Tests that compare the process-wide live-tensor count run alone, after the parallel ones, so
/// that no other test allocates meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTensorCountCollection
{
    public const string Name = "Methods: live tensor counts";
}
