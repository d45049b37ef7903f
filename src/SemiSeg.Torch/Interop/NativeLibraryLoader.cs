using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SemiSeg.Torch.Interop;

/// <summary>
/// Finds libsemiseg_native: beside the assembly (the build copies it there), then in the
/// directory named by SEMISEG_NATIVE_DIR, then the loader's default search.
/// </summary>
internal static class NativeLibraryLoader
{
    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);

    /// <summary>
    /// libtorch's OpenMP threads spin at every barrier by default. When anything else wants the
    /// cores (data-loader workers, another process) the spinning threads starve it and each small
    /// op waits for a descheduled thread: a 12x12 conv measured 60 ms instead of 3 ms here. Passive
    /// waiting avoids that; libgomp reads the variable when it loads, so it is set before libtorch is
    /// (through libc: .NET's own environment is not seen by native code). A user's setting wins.
    /// </summary>
    private static void PreferPassiveOpenMpWaits() => setenv("OMP_WAIT_POLICY", "PASSIVE", 0);

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != NativeMethods.Library) return IntPtr.Zero;
        PreferPassiveOpenMpWaits();
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "libsemiseg_native.so") };
        var dir = Environment.GetEnvironmentVariable("SEMISEG_NATIVE_DIR");
        if (!string.IsNullOrEmpty(dir)) candidates.Add(Path.Combine(dir, "libsemiseg_native.so"));
        foreach (var candidate in candidates)
            if (File.Exists(candidate)) return NativeLibrary.Load(candidate);
        if (NativeLibrary.TryLoad("libsemiseg_native.so", assembly, path, out var handle)) return handle;
        throw new DllNotFoundException(
            "libsemiseg_native.so was not found beside the program or in SEMISEG_NATIVE_DIR; " +
            "run ./semiseg once to build the native layer (cmake -S native -B native/build).");
    }
}
