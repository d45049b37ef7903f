using SemiSeg.Torch.Interop;

namespace SemiSeg.Torch;

public enum DeviceType { CPU = 0, CUDA = 1 }

/// <summary>Where a tensor lives. CUDA devices work when the native layer is built against a CUDA libtorch.</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device CPU = new(DeviceType.CPU);
    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);

    public static bool CudaIsAvailable => NativeMethods.ss_cuda_is_available();
    public static int CudaDeviceCount => NativeMethods.ss_cuda_device_count();

    /// <summary>Parses "cpu", "cuda" or "cuda:1", as torch.device does.</summary>
    public static Device Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var index = parts.Length > 1 && int.TryParse(parts[1], out var i) ? i : -1;
        return parts[0] switch
        {
            "cpu" => CPU,
            "cuda" => new Device(DeviceType.CUDA, index < 0 ? 0 : index),
            _ => throw new ArgumentException($"unknown device '{text}' (expected cpu, cuda or cuda:N)"),
        };
    }

    public override string ToString() => Type == DeviceType.CPU ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}
