using System.Text;

namespace SemiSeg.Torch.nn;

/// <summary>
/// What <see cref="Module.LoadStateDict"/> did: which keys it loaded, which of the module's keys
/// the state dict lacked, which keys the module does not have, and which shapes disagreed.
/// Keys are the module's names (after any prefix was stripped).
/// </summary>
public sealed class LoadReport
{
    public LoadReport(string moduleName, IReadOnlyList<string> loaded, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
                      IReadOnlyList<ShapeMismatch> shapeMismatches, IReadOnlyList<string> defaulted)
    {
        ModuleName = moduleName;
        LoadedKeys = loaded;
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
        ShapeMismatches = shapeMismatches;
        DefaultedKeys = defaulted;
    }

    /// <summary>The module's type name, for messages.</summary>
    public string ModuleName { get; }
    public IReadOnlyList<string> LoadedKeys { get; }
    /// <summary>The module's keys the state dict lacks; they keep their values.</summary>
    public IReadOnlyList<string> MissingKeys { get; }
    /// <summary>Keys in the state dict the module does not have; ignored.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }
    /// <summary>Keys on both sides whose shapes differ; not loaded.</summary>
    public IReadOnlyList<ShapeMismatch> ShapeMismatches { get; }
    /// <summary>
    /// Keys absent from the state dict that PyTorch also fills in when loading files written
    /// before they existed (BatchNorm's num_batches_tracked, set to 0). Not an error.
    /// </summary>
    public IReadOnlyList<string> DefaultedKeys { get; }

    /// <summary>True when every key matched: nothing missing, unexpected or of another shape.</summary>
    public bool IsExact => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>The problems, one kind per line, as PyTorch words them; empty when exact.</summary>
    public string DescribeProblems()
    {
        var text = new StringBuilder();
        if (MissingKeys.Count > 0) text.Append("\n  Missing key(s): ").AppendJoin(", ", MissingKeys.Select(k => $"\"{k}\""));
        if (UnexpectedKeys.Count > 0) text.Append("\n  Unexpected key(s): ").AppendJoin(", ", UnexpectedKeys.Select(k => $"\"{k}\""));
        foreach (var mismatch in ShapeMismatches) text.Append("\n  Size mismatch for ").Append(mismatch);
        return text.ToString();
    }

    public override string ToString() =>
        $"loaded {LoadedKeys.Count} tensors into {ModuleName}" +
        (DefaultedKeys.Count > 0 ? $" ({DefaultedKeys.Count} absent counters set to 0)" : "") +
        (IsExact ? "" : ";" + DescribeProblems());
}
