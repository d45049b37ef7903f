using System.Diagnostics;
using System.Reflection;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace SemiSeg.GpuCheck;

/// <summary>
/// Runs the test suite's classes marked [Trait("Device", "cuda")] in this process, one test at a time, and
/// prints a Markdown table: each test's outcome, seconds, skip reason or failure, then what it logged (the
/// measured CPU-CUDA differences). Their tests are plain [Fact]s (CudaFact) whose class takes at most an
/// ITestOutputHelper, which is all this runner supports (the package has no xunit runner: the registry lacks
/// xunit.runner.utility, and the device has no dotnet test). Exit code 1 when a test failed or none passed.
/// </summary>
internal static class CudaTestRun
{
    private const string Trait = "Device";
    private const string Cuda = "cuda";

    public static int Run(Assembly tests)
    {
        var classes = tests.GetTypes()
            .Where(t => !t.IsAbstract && IsMarkedCuda(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
        var rows = new List<string>();
        var logs = new StringBuilder();
        var (passed, failed, skipped) = (0, 0, 0);
        foreach (var type in classes)
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null).OrderBy(m => m.Name))
            {
                var name = $"{type.Name}.{method.Name}";
                if (method.GetCustomAttribute<FactAttribute>()!.Skip is { } reason)
                {
                    skipped++;
                    rows.Add($"| {name} | skipped | | {Cell(reason)} |");
                    continue;
                }
                var output = new Output();
                var clock = Stopwatch.StartNew();
                var error = RunOne(type, method, output);
                var seconds = clock.Elapsed.TotalSeconds;
                if (error is null) { passed++; rows.Add($"| {name} | passed | {seconds:F2} | |"); }
                else { failed++; rows.Add($"| {name} | **failed** | {seconds:F2} | {Cell($"{error.GetType().Name}: {error.Message}")} |"); }
                var text = output.Text + (error is null ? "" : $"\n{error}");
                if (!string.IsNullOrWhiteSpace(text)) logs.Append($"\n{name}:\n\n```\n{text.Trim()}\n```\n");
            }

        Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped (tests of {classes.Count} classes marked {Trait}={Cuda})");
        Console.WriteLine();
        Console.WriteLine("| test | outcome | seconds | reason |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        Console.Write(logs);
        // On the GPU machine a skipped CUDA test is a failed check: CUDA was not usable there.
        return failed > 0 || passed == 0 ? 1 : 0;
    }

    // xunit's TraitAttribute keeps its name and value only as constructor arguments.
    private static bool IsMarkedCuda(Type type) => type.GetCustomAttributesData().Any(a =>
        a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments.Count == 2
        && Equals(a.ConstructorArguments[0].Value, Trait) && Equals(a.ConstructorArguments[1].Value, Cuda));

    /// <summary>The test's exception, or null when it passed.</summary>
    private static Exception? RunOne(Type type, MethodInfo method, Output output)
    {
        object? instance = null;
        try
        {
            var constructor = type.GetConstructors().Single();
            instance = constructor.Invoke(constructor.GetParameters().Length == 0 ? null : new object[] { output });
            var result = method.Invoke(instance, null);
            if (result is Task task) task.GetAwaiter().GetResult();
            return null;
        }
        catch (TargetInvocationException e) { return e.InnerException ?? e; }
        catch (Exception e) { return e; }
        finally { (instance as IDisposable)?.Dispose(); }
    }

    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|");

    private sealed class Output : ITestOutputHelper
    {
        private readonly StringBuilder text = new();
        public string Text => text.ToString();
        public void WriteLine(string message) => text.AppendLine(message);
        public void WriteLine(string format, params object[] args) => text.AppendLine(string.Format(format, args));
    }
}
