namespace SemiSeg.Tests;

/// <summary>The repository checkout the tests run from (the folder holding SemiSeg.slnx), for tests that read shipped configs and docs.</summary>
internal static class RepositoryPaths
{
    public static readonly string Root = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SemiSeg.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no SemiSeg.slnx above {AppContext.BaseDirectory}");
    }
}
