using Xunit;


namespace ReferenceApp.Testing;

/// <summary>Runs the .NET CLI as a person would, in a folder of their own, and fails with its output when it fails.</summary>
public static class DotnetCommand
{
    /// <summary>
    /// Variables the outer <c>dotnet test</c> sets for its own build and test host; a nested build or test run must not see
    /// them, or it attaches to the outer one.
    /// </summary>
    private static readonly string[] InheritedPrefixes = ["MSBUILD", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH", "_DOTNET"];

    public static Task<ChildProcess> RunAsync(string workingDirectory, IEnumerable<string> arguments, TimeSpan deadline,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        RunAsync(workingDirectory, "dotnet", arguments, deadline, environment);

    /// <summary>Runs <paramref name="fileName"/> (the CLI, or a script that calls it, such as <c>./test.sh</c>) to its end.</summary>
    public static async Task<ChildProcess> RunAsync(string workingDirectory, string fileName, IEnumerable<string> arguments, TimeSpan deadline,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (InheritedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                variables[name] = null;
            }
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        var list = arguments.ToList();
        var process = ChildProcess.Start(list.Count > 0 ? $"{fileName} {list[0]}" : fileName, fileName, list, variables, workingDirectory: workingDirectory);
        if (!await process.WaitForExitAsync(deadline))
        {
            await process.DisposeAsync();
            throw new TimeoutException($"'{fileName} {string.Join(' ', list)}' did not finish within {deadline.TotalSeconds:F0} s:\n{Quoted(process.Output)}");
        }

        return process;
    }

    /// <summary>As <see cref="RunAsync(string, IEnumerable{string}, TimeSpan, IReadOnlyDictionary{string, string?}?)"/>, and asserts exit code 0.</summary>
    public static Task<string> SucceedAsync(string workingDirectory, IEnumerable<string> arguments, TimeSpan deadline,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        SucceedAsync(workingDirectory, "dotnet", arguments, deadline, environment);

    /// <summary>As <see cref="RunAsync(string, string, IEnumerable{string}, TimeSpan, IReadOnlyDictionary{string, string?}?)"/>, and asserts exit code 0.</summary>
    public static async Task<string> SucceedAsync(string workingDirectory, string fileName, IEnumerable<string> arguments, TimeSpan deadline,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        await using var process = await RunAsync(workingDirectory, fileName, arguments, deadline, environment);
        Assert.True(process.ExitCode == 0, $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{Quoted(process.Output)}");
        return process.Output;
    }

    /// <summary>
    /// A nested run's output, each line marked: its own "Passed!"/"Failed!" summaries must not read as the outer run's
    /// (test.sh sums those lines).
    /// </summary>
    public static string Quoted(string output) =>
        string.Join('\n', output.Split('\n').Select(line => "  | " + line));
}
