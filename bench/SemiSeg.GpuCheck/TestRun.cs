using Xunit.Runners;

namespace SemiSeg.GpuCheck;

/// <summary>
/// Runs the test suite's tests marked [Trait("Device", "cuda")] (all tests with --all) in this process with
/// xunit's runner, one at a time, and prints a Markdown table: each test's outcome, seconds, skip reason or
/// failure, and what it logged (the measured CPU-CUDA differences). Exit code 1 when a test failed or none ran.
/// </summary>
internal static class TestRun
{
    private const string Trait = "Device";
    private const string Cuda = "cuda";

    public static int Run(string assemblyPath, bool all)
    {
        var rows = new List<string>();
        var details = new List<string>();
        var (passed, failed, skipped) = (0, 0, 0);
        using var done = new ManualResetEventSlim();
        using var runner = AssemblyRunner.WithoutAppDomain(assemblyPath);
        runner.TestCaseFilter = test => all || (test.Traits.TryGetValue(Trait, out var values) && values.Contains(Cuda));
        runner.OnTestPassed = info =>
        {
            lock (rows) { passed++; rows.Add($"| {info.TypeName}.{info.MethodName} | passed | {info.ExecutionTime:F2} | |"); Log(details, info.TestDisplayName, info.Output); }
        };
        runner.OnTestFailed = info =>
        {
            lock (rows)
            {
                failed++;
                rows.Add($"| {info.TypeName}.{info.MethodName} | **failed** | {info.ExecutionTime:F2} | {Cell(info.ExceptionMessage)} |");
                Log(details, info.TestDisplayName, $"{info.Output}\n{info.ExceptionType}: {info.ExceptionMessage}\n{info.ExceptionStackTrace}");
            }
        };
        runner.OnTestSkipped = info =>
        {
            lock (rows) { skipped++; rows.Add($"| {info.TypeName}.{info.MethodName} | skipped | | {Cell(info.SkipReason)} |"); }
        };
        runner.OnErrorMessage = info => Console.Error.WriteLine($"runner error: {info.ExceptionType}: {info.ExceptionMessage}");
        runner.OnExecutionComplete = _ => done.Set();
        runner.Start(parallel: false);
        done.Wait();
        while (runner.Status != AssemblyRunnerStatus.Idle) Thread.Sleep(50);   // the runner may be disposed only when idle

        Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped ({(all ? "all tests" : "tests marked Device=cuda")})");
        Console.WriteLine();
        Console.WriteLine("| test | outcome | seconds | reason |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var row in rows.Order()) Console.WriteLine(row);
        foreach (var d in details) Console.WriteLine(d);
        return failed > 0 || passed + skipped == 0 ? 1 : 0;
    }

    private static void Log(List<string> details, string test, string output)
    {
        if (string.IsNullOrWhiteSpace(output)) return;
        details.Add($"\n{test}:\n\n```\n{output.Trim()}\n```");
    }

    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|");
}
