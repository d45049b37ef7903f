namespace SemiSeg.Training;

/// <summary>
/// The run was asked to stop (SIGTERM or Ctrl-C): the current step finished and ckpt.pth holds the
/// run up to it, so <c>train --resume</c> continues from that step. The CLI exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class TrainingStoppedException : Exception
{
    /// <summary>Distinct from success (0), errors (1) and a death by signal (128 + n).</summary>
    public const int ExitCode = 3;

    public TrainingStoppedException(string message) : base(message) { }
}
