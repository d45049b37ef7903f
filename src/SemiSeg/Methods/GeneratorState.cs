using SemiSeg.Torch.Serialization;

namespace SemiSeg.Methods;

/// <summary>A method's own random generator in a checkpoint (key "method_generator"), so a resumed run draws the same numbers.</summary>
internal static class GeneratorState
{
    public const string Key = "method_generator";

    public static void Save(TorchDict checkpoint, Generator generator, string key = Key)
    {
        using var state = generator.GetState();
        checkpoint.Set(key, TorchValue.FromTensor(state));
    }

    public static void Load(TorchDict checkpoint, Generator generator, string key = Key)
    {
        if (checkpoint.ContainsKey(key)) generator.SetState(checkpoint.GetTensor(key));
    }
}
