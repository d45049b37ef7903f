using SemiSeg.Torch.Serialization;

namespace SemiSeg.Methods;

/// <summary>A method's own random generator in a checkpoint (key "method_generator"), so a resumed run draws the same numbers.</summary>
internal static class GeneratorState
{
    public const string Key = "method_generator";

    public static void Save(TorchDict checkpoint, Generator generator)
    {
        using var state = generator.GetState();
        checkpoint.Set(Key, TorchValue.FromTensor(state));
    }

    public static void Load(TorchDict checkpoint, Generator generator)
    {
        if (checkpoint.ContainsKey(Key)) generator.SetState(checkpoint.GetTensor(Key));
    }
}
