using SemiSeg.Training;

namespace SemiSeg.Tests.Torch.Support;

/// <summary>
/// A test that needs a CUDA device: skipped, with DeviceCheck's reason, where this libtorch has none.
/// Classes of such tests carry [Trait("Device", "cuda")], which bench/gpu-check.sh selects.
/// </summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public const string Trait = "Device";
    public const string Cuda = "cuda";

    public CudaFactAttribute()
    {
        if (SkipReason() is { } reason) Skip = reason;
    }

    /// <summary>Why CUDA tests cannot run here, or null when cuda:0 can be used.</summary>
    public static string? SkipReason()
    {
        try
        {
            DeviceCheck.Ensure(Device.CUDA(0));
            return null;
        }
        catch (ConfigException e)
        {
            return $"needs CUDA: {e.Message}";
        }
    }
}
