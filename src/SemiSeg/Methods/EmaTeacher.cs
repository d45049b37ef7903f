using SemiSeg.Torch.nn;

namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The mean teacher of U2PL section 3.1: theta_t = d theta_t + (1 - d) theta_s after every student
/// step, with the official ramp d = min(1 - 1/(iteration - warmIterations + 1), ema_decay), where
/// iteration = epoch * iterationsPerEpoch + step and warmIterations = iterationsPerEpoch * sup_only_epoch.
/// So d is 0 at the first semi-supervised step and the teacher starts as a copy of the student.
/// <para>
/// The official U2PL loop also sets the teacher's parameters to the student's before every step of
/// epoch sup_only_epoch (the copy sits inside the step loop), so during that whole epoch the
/// teacher that labels a batch is the current student: <see cref="CopiesBeforeStep"/> says when.
/// Buffers are not copied there; U2PL's teacher keeps its own batch-norm statistics, updated by its
/// train-mode forward passes. iMAS averages buffers too (<see cref="EmaOptions.IncludeBuffers"/>).
/// </para>
/// </summary>
public sealed class EmaTeacher
{
    public EmaTeacher(EmaOptions options) => Options = options.Validate();

    public EmaOptions Options { get; }

    /// <summary>The decay for the update after the given global iteration (0-based) and epoch.</summary>
    public double DecayAt(long iteration, int epoch, long iterationsPerEpoch)
    {
        if (iterationsPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(iterationsPerEpoch), iterationsPerEpoch, "must be >= 1");
        if (Options.ImasSchedule ? epoch <= Options.SupOnlyEpoch : epoch < Options.SupOnlyEpoch) return 0;
        var sinceWarmStart = iteration - iterationsPerEpoch * Options.SupOnlyEpoch + 1;
        return sinceWarmStart < 1 ? 0 : Math.Min(1 - 1.0 / sinceWarmStart, Options.Decay);
    }

    /// <summary>True when the official U2PL loop copies the student into the teacher before this step.</summary>
    public bool CopiesBeforeStep(int epoch) => !Options.ImasSchedule && epoch == Options.SupOnlyEpoch;

    /// <summary>True when the teacher is updated after a step of this epoch (U2PL skips the warm start).</summary>
    public bool UpdatesAfterStep(int epoch) => Options.ImasSchedule || epoch >= Options.SupOnlyEpoch;

    /// <summary>teacher = decay * teacher + (1 - decay) * student, over parameters (and buffers if configured).</summary>
    public void Update(Module teacher, Module student, double decay)
    {
        if (!(decay >= 0 && decay <= 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be in [0, 1]");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        foreach (var (t, s) in Pairs(teacher.NamedParameters(), student.NamedParameters())) t.LerpInPlace(s, 1 - decay);
        if (!Options.IncludeBuffers) return;
        foreach (var (t, s) in Pairs(teacher.NamedBuffers(), student.NamedBuffers()))
        {
            // Counters (num_batches_tracked) cannot be averaged; they follow the student.
            if (t.Dtype.IsFloatingPoint()) t.LerpInPlace(s, 1 - decay);
            else t.CopyInPlace(s);
        }
    }

    /// <summary>Copies the student's parameters (and buffers when <paramref name="includeBuffers"/>) into the teacher.</summary>
    public static void Copy(Module teacher, Module student, bool includeBuffers = false)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        foreach (var (t, s) in Pairs(teacher.NamedParameters(), student.NamedParameters())) t.CopyInPlace(s);
        if (!includeBuffers) return;
        foreach (var (t, s) in Pairs(teacher.NamedBuffers(), student.NamedBuffers())) t.CopyInPlace(s);
    }

    // Matched by name and shape before anything is written, so a mismatch leaves the teacher untouched.
    private static List<(Tensor Teacher, Tensor Student)> Pairs(IEnumerable<(string Name, Tensor Tensor)> teacher, IEnumerable<(string Name, Tensor Tensor)> student)
    {
        var t = teacher.ToList();
        var s = student.ToList();
        if (t.Count != s.Count) throw new ArgumentException($"teacher has {t.Count} tensors, student {s.Count}: the models differ");
        var pairs = new List<(Tensor, Tensor)>(t.Count);
        for (var k = 0; k < t.Count; k++)
        {
            if (t[k].Name != s[k].Name || !t[k].Tensor.Shape.SequenceEqual(s[k].Tensor.Shape))
                throw new ArgumentException($"teacher '{t[k].Name}' [{string.Join(", ", t[k].Tensor.Shape)}] does not match student '{s[k].Name}' [{string.Join(", ", s[k].Tensor.Shape)}]");
            pairs.Add((t[k].Tensor, s[k].Tensor));
        }
        return pairs;
    }
}
