using System.Reflection;

namespace SemiSeg.GpuCheck;

/// <summary>Runs another program of the package (the CLI, the benchmarks) in this process, through its Main.</summary>
internal static class EntryPoint
{
    public static int Run(string assemblyName, string[] args)
    {
        var main = Assembly.Load(assemblyName).EntryPoint
                   ?? throw new InvalidOperationException($"{assemblyName} has no entry point");
        var result = main.Invoke(null, main.GetParameters().Length == 0 ? null : new object[] { args });
        return result switch
        {
            int code => code,
            Task<int> task => task.GetAwaiter().GetResult(),
            Task task => Wait(task),
            _ => 0,
        };
    }

    private static int Wait(Task task)
    {
        task.GetAwaiter().GetResult();
        return 0;
    }
}
