namespace SemiSeg.Torch.nn;

/// <summary>A state-dict entry whose shape differs from the module's tensor of the same name.</summary>
public sealed record ShapeMismatch(string Key, long[] Expected, long[] Found)
{
    public override string ToString() =>
        $"{Key}: the module has [{string.Join(", ", Expected)}], the state dict [{string.Join(", ", Found)}]";
}
