namespace SemiSeg.Training;

/// <summary>
/// An exclusive advisory lock on a run folder, held by <c>train</c> for its whole life so that a
/// second command on the same folder cannot interleave metrics or mix checkpoints. It is .NET's
/// FileShare.None on the folder's <c>.lock</c> file, which is flock(LOCK_EX) on Linux: the kernel
/// releases it when the process dies, however it dies, so a killed run never leaves a stale lock.
/// Who holds it is written to <c>.lock.holder</c>, for the refusal message.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = ".lock";
    public const string HolderFileName = ".lock.holder";

    private readonly FileStream handle;
    private readonly string holderPath;

    private RunFolderLock(FileStream handle, string holderPath)
    {
        this.handle = handle;
        this.holderPath = holderPath;
    }

    /// <summary>Takes the lock or throws an <see cref="InvalidOperationException"/> naming the process that holds it.</summary>
    public static RunFolderLock Acquire(string directory, string purpose)
    {
        var full = Path.GetFullPath(directory);
        Directory.CreateDirectory(full);
        var lockPath = Path.Combine(full, FileName);
        var holderPath = Path.Combine(full, HolderFileName);
        FileStream handle;
        try
        {
            handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = File.Exists(holderPath) ? File.ReadAllText(holderPath).Trim() : "another process";
            throw new InvalidOperationException($"{full} is in use by {holder}; wait for it to end or choose another --out");
        }
        AtomicFile.WriteAllText(holderPath, $"process {Environment.ProcessId} ({purpose}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC)\n");
        return new RunFolderLock(handle, holderPath);
    }

    public void Dispose()
    {
        // The holder note goes first, while the lock still keeps others from writing theirs.
        try { File.Delete(holderPath); }
        catch (IOException) { }
        handle.Dispose();
    }
}
