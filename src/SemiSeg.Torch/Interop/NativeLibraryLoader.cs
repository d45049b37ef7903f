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
    /// libtorch's OpenMP threads spin at every barrier, by default for 300,000 rounds. When anything
    /// else wants the cores (data-loader workers, another process) the spinning threads starve it and
    /// each small op waits for a descheduled thread: a 3x3 conv on 8x64x24x24 measured 47.5 ms instead
    /// of 1.9 ms on this 2-core machine with one busy process beside it. A short spin (10,000 rounds)
    /// keeps the quiet-machine speed (2.0 ms) and bounds the loss under load (7.1 ms); fully passive
    /// waiting is 5.2 ms loaded but 2.7 ms quiet. libgomp reads these variables when it loads, so
    /// they are set before libtorch is (through libc: .NET's environment is not seen by native code).
    /// A user's own OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
    /// </summary>
    private static void BoundOpenMpSpinning()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null && Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is null)
            setenv("GOMP_SPINCOUNT", "10000", 0);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != NativeMethods.Library) return IntPtr.Zero;
        BoundOpenMpSpinning();
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
