namespace SemiSeg.Models;

/// <summary>
/// Mixed precision of a model's forward (config <c>trainer.amp</c>, the CLI's <c>--amp</c>): off (float32),
/// bf16 or fp16 under libtorch's autocast (see <see cref="SegmentationModel.Amp"/>). fp16 needs a CUDA
/// device and dynamic loss scaling (<see cref="Torch.optim.GradScaler"/>); bf16 keeps float32's range
/// and needs none.
/// </summary>
public sealed record AmpMode
{
    public static readonly AmpMode Off = new("off", null);
    public static readonly AmpMode BFloat16 = new("bf16", ScalarType.BFloat16);
    public static readonly AmpMode Float16 = new("fp16", ScalarType.Float16);

    /// <summary>The accepted names, as written in configs and on the command line.</summary>
    public static readonly string[] Names = { Off.Name, BFloat16.Name, Float16.Name };

    private AmpMode(string name, ScalarType? dtype)
    {
        Name = name;
        Dtype = dtype;
    }

    public string Name { get; }

    /// <summary>The autocast dtype, null when off.</summary>
    public ScalarType? Dtype { get; }

    public bool IsOn => Dtype is not null;

    /// <summary>Whether training needs dynamic loss scaling: fp16's range underflows small gradients.</summary>
    public bool NeedsLossScaling => Dtype == ScalarType.Float16;

    /// <summary>"off", "bf16" or "fp16"; null when the name is none of them.</summary>
    public static AmpMode? TryParse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "off" => Off,
        "bf16" => BFloat16,
        "fp16" => Float16,
        _ => null,
    };

    /// <summary>Why the mode cannot run on the device, or null when it can: fp16 autocast needs CUDA.</summary>
    public string? RefusalOn(Device device) => this == Float16 && device.Type != DeviceType.CUDA
        ? "fp16 needs a CUDA device (libtorch's CPU autocast runs bf16); use bf16 or off on the CPU"
        : null;

    /// <summary>
    /// A warning when bf16 will be slow here: libtorch's CPU bf16 convolutions are fast only with
    /// AVX512-BF16 or AMX (oneDNN); on other CPUs (AVX2 only) they fall back to a path several times
    /// slower than float32. Null when the mode is off, the device is CUDA or the CPU has the instructions.
    /// </summary>
    public string? SlowOnCpuWarning(Device device)
    {
        if (this != BFloat16 || device.Type != DeviceType.CPU || CpuHasBFloat16Instructions()) return null;
        return "trainer.amp bf16: this CPU has no AVX512-BF16 or AMX instructions, so bf16 convolutions run on a slow fallback " +
               "(several times slower than float32); use amp off here";
    }

    private static bool CpuHasBFloat16Instructions()
    {
        try
        {
            var flags = File.ReadAllText("/proc/cpuinfo");
            return flags.Contains("avx512_bf16", StringComparison.Ordinal) || flags.Contains("amx_bf16", StringComparison.Ordinal);
        }
        catch (IOException) { return true; }                   // unknown: no warning
        catch (UnauthorizedAccessException) { return true; }
    }

    public override string ToString() => Name;
}
