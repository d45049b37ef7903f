using SemiSeg.Torch.Interop;
using SemiSeg.Torch.nn;

namespace SemiSeg.Torch.Serialization;

/// <summary>
/// PyTorch's own file format (torch.save / torch.load: a zip of a pickle and raw tensor storages),
/// for nested dicts of tensors, ints, floats, bools, strings and lists such as
/// <c>{"model_state": {...}, "teacher_state": {...}, "epoch": 3}</c>.
/// Files are written by libtorch's pickler (torch::pickle_save), so Python's torch.load reads them.
/// They are read by a managed reader (<see cref="TorchArchiveReader"/>) rather than libtorch's
/// pickle_load, which in 1.13 cannot read a state dict Python saved (OrderedDict, SETITEM) and
/// silently reads an empty OrderedDict as None; one reader for every file keeps the result the
/// same whoever wrote it.
/// </summary>
public static class TorchFile
{
    /// <summary>
    /// Writes <paramref name="value"/> to <paramref name="path"/> atomically: the bytes go to a
    /// temporary file in the same directory, are flushed to disk, and the temporary file is then
    /// renamed over <paramref name="path"/>, so a crash leaves either the old file or the new one.
    /// </summary>
    public static void Save(string path, TorchValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"cannot save {full}: the directory {directory} does not exist");
        IntPtr native;
        try { native = NativeValues.ToNative(value); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or ObjectDisposedException or TorchException)
        {
            throw new ArgumentException($"cannot save {full}: {e.Message}", nameof(value), e);
        }
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (!NativeMethods.ss_save(native, temporary)) throw TorchException.Last();
            using (var written = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e)
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            throw new IOException($"cannot save {full}: {e.Message}", e);
        }
        finally { NativeMethods.ss_value_free(native); }
    }

    /// <summary>Saves a dictionary (still owned by the caller) as the file's top-level value.</summary>
    public static void Save(string path, TorchDict dict) => Save(path, TorchValue.FromDict(dict));

    /// <summary>Saves a module's state dict as PyTorch's model.state_dict() would be saved: tensor entries in module order.</summary>
    public static void SaveStateDict(string path, Module module)
    {
        using var dict = TorchDict.FromTensors(module.StateDict());
        Save(path, dict);
    }

    /// <summary>Reads a file written by torch.save (Python) or <see cref="Save(string, TorchValue)"/>. The caller owns the result.</summary>
    public static TorchValue Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"no PyTorch file at {full}", full);
        try { return TorchArchiveReader.Read(full); }
        // A damaged or crafted zip surfaces from System.IO.Compression as any of these; each becomes one line naming the file.
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or OverflowException or ArgumentException
                                      or NotSupportedException or IOException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{full} is not a PyTorch file this reader can load: {e.Message}", e);
        }
    }

    /// <summary>Reads a file whose top level is a dict (a checkpoint or a state dict). The caller owns the result.</summary>
    public static TorchDict LoadDict(string path)
    {
        var value = Load(path);
        if (value.Kind != TorchValueKind.Dict)
        {
            var found = value.Describe();
            value.Dispose();
            throw new InvalidDataException($"{Path.GetFullPath(path)} holds {found}, not a dict");
        }
        return value.AsDict();
    }

    /// <summary>
    /// Loads a state dict from a file into <paramref name="module"/> (see <see cref="Module.LoadStateDict"/>).
    /// <paramref name="entry"/> picks a sub-dict of a checkpoint, such as "model_state";
    /// <paramref name="stripPrefix"/> removes a prefix such as "module." (DataParallel / DDP) from the keys that have it.
    /// </summary>
    public static LoadReport LoadStateDict(string path, Module module, bool strict = true, string? entry = null,
                                           string? stripPrefix = null, string? selectPrefix = null)
    {
        using var dict = LoadDict(path);
        try
        {
            var source = entry is null ? dict : dict.GetDict(entry);
            return module.LoadStateDict(source.ToTensors(), strict, stripPrefix, selectPrefix);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException or StateDictMismatchException)
        {
            throw new InvalidDataException($"{Path.GetFullPath(path)}{(entry is null ? "" : $" ['{entry}']")}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads a file with libtorch's own unpickler (torch::pickle_load), for comparison: it reads
    /// what libtorch wrote, but not a state dict saved by Python.
    /// </summary>
    public static TorchValue LoadWithLibtorch(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"no PyTorch file at {full}", full);
        var native = NativeMethods.ss_load(full);
        if (native == IntPtr.Zero) throw new InvalidDataException(TorchException.Last().Message);
        try { return NativeValues.FromNative(native); }
        finally { NativeMethods.ss_value_free(native); }
    }
}
