using SemiSeg.Torch;

namespace SemiSeg.Training;

/// <summary>
/// Checks a config's <c>device</c> against the libtorch the native layer was built with, before a run
/// folder or a network exists: a CUDA device on a CPU build is one error saying how to build against
/// a CUDA libtorch, not the dispatcher's text from the first operation.
/// </summary>
public static class DeviceCheck
{
    public const string BuildAdvice =
        "build the native layer against a CUDA libtorch: rm -rf native/build && cmake -S native -B native/build " +
        "-DCMAKE_PREFIX_PATH=/path/to/libtorch && cmake --build native/build (README, \"GPU\")";

    /// <summary>Throws a <see cref="ConfigException"/> naming <c>device</c> (and <paramref name="source"/>) when the device cannot be used.</summary>
    public static void Ensure(Device device, string? source = null)
    {
        if (device.Type == DeviceType.CPU) return;
        if (!Device.CudaIsAvailable)
            throw new ConfigException("device", $"'{device}': this libtorch has no CUDA (a CPU build, or no GPU visible); use device: cpu, or {BuildAdvice}", source);
        var count = Device.CudaDeviceCount;
        if (device.Index >= count)
            throw new ConfigException("device", $"'{device}': this machine has {count} CUDA device{(count == 1 ? "" : "s")} (cuda:0 to cuda:{count - 1})", source);
    }
}
