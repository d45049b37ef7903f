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

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != NativeMethods.Library) return IntPtr.Zero;
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
