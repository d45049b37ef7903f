using SemiSeg.Torch.nn;
using SemiSeg.Torch.optim;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// The resume file of an encoder pre-training (<see cref="BackbonePretraining"/>): the next step, the
/// encoder and classifier weights, the SGD momentum buffers and the options the run was started with. A
/// resume with other options is refused, naming the file and the option, because its batches and
/// schedule would not continue the saved ones.
/// </summary>
internal static class PretrainingState
{
    public static void Save(string path, int nextStep, Module encoder, Module classifier, SGD optimizer, BackbonePretraining.Options options)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var state = new TorchDict();
        state.Set("kind", "semiseg encoder pre-training");
        state.Set("next_step", nextStep);
        foreach (var (key, value) in Describe(options)) state.Set($"options.{key}", value);
        state.Set("encoder", TorchDict.FromTensors(encoder.StateDict()));
        state.Set("classifier", TorchDict.FromTensors(classifier.StateDict()));
        state.Set("optimizer_state", optimizer.StateDict());
        TorchFile.Save(path, state);   // a temporary file renamed over the last one: a kill leaves one or the other
    }

    /// <summary>Loads the saved state into the live objects and returns the step to continue from.</summary>
    public static int Restore(string path, Module encoder, Module classifier, SGD optimizer, BackbonePretraining.Options options)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var state = TorchFile.LoadDict(path);
        if (!state.ContainsKey("kind") || state.GetString("kind") != "semiseg encoder pre-training")
            throw new InvalidDataException($"{path}: not an encoder pre-training resume file; remove it to start again");
        foreach (var (key, value) in Describe(options))
        {
            var saved = state.ContainsKey($"options.{key}") ? state.GetString($"options.{key}") : "(absent)";
            if (saved != value)
                throw new InvalidDataException($"{path}: saved by a pre-training with {key} {saved}, this one has {value}; " +
                                               "use the same options to resume, or remove the file to start again");
        }
        try
        {
            encoder.LoadStateDict(state.GetDict("encoder").ToTensors());
            classifier.LoadStateDict(state.GetDict("classifier").ToTensors());
        }
        catch (StateDictMismatchException e)
        {
            throw new InvalidDataException($"{path}: saved for another encoder (nothing was loaded):{e.Report.DescribeProblems()}");
        }
        optimizer.LoadStateDict(state.GetDict("optimizer_state"));
        return (int)state.GetInt("next_step");
    }

    /// <summary>The options that decide the batches and the schedule, as text (exact for doubles: "R").</summary>
    private static IEnumerable<(string Key, string Value)> Describe(BackbonePretraining.Options options)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        yield return ("steps", options.Steps.ToString(invariant));
        yield return ("batch_size", options.BatchSize.ToString(invariant));
        yield return ("size", options.Size.ToString(invariant));
        yield return ("lr", options.LearningRate.ToString("R", invariant));
        yield return ("seed", options.Seed.ToString(invariant));
        yield return ("task", options.Task);
    }
}
