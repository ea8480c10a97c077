using System.Text.RegularExpressions;
using ReferenceApp.Testing;

namespace ReferenceApp.Template.Tests;

/// <summary>A solution that <c>dotnet new referenceapp</c> wrote: its folder, and its build and test runs, each done once.</summary>
public sealed partial class GeneratedSolution
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> _builds = new(StringComparer.Ordinal);

    internal GeneratedSolution(string name, string directory, IReadOnlyList<string> options)
    {
        Name = name;
        Directory = directory;
        Options = options;
        SolutionFile = System.IO.Path.GetFileName(System.IO.Directory.GetFiles(directory, "*.slnx").Single());
        BuildOutputAtCreation = System.IO.Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories)
            .Where(folder => System.IO.Path.GetFileName(folder) is "bin" or "obj")
            .ToList();
    }

    public string Name { get; }

    public string Directory { get; }

    /// <summary>The bin and obj folders it had as <c>dotnet new</c> left it: none, unless the template copied build output.</summary>
    public IReadOnlyList<string> BuildOutputAtCreation { get; }

    /// <summary>The options it was made with, after <c>-n Name</c>.</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>
    /// The solution file, the target when no project is named: the name as a namespace spells it (<c>fabrikam-lean</c> writes
    /// <c>fabrikam_lean.slnx</c>), since that is how the scripts and docs in it name it.
    /// </summary>
    public string SolutionFile { get; }

    /// <summary>
    /// Builds the solution (or one project and what it references) the first time it is asked; later callers wait for that build.
    /// Without the analyzers: they ran on these very sources in the repository's own build, and a rename changes names, not
    /// code; skipping them takes about a fifth off each of the three builds, which is what keeps this project within CI's budget.
    /// </summary>
    public Task BuildAsync(string? project = null) =>
        _builds.GetOrAdd(project ?? SolutionFile, target => new Lazy<Task>(() => DotnetCommand.SucceedAsync(Directory,
            ["build", target, "-c", "Debug", "-nologo", "-clp:ErrorsOnly", "-nodeReuse:false", "-p:RunAnalyzers=false"], TimeSpan.FromMinutes(8)))).Value;

    public string Path(string relative) => System.IO.Path.Combine(Directory, relative);

    public string Read(string relative) => File.ReadAllText(Path(relative));

    public bool Exists(string relative) => File.Exists(Path(relative)) || System.IO.Directory.Exists(Path(relative));

    /// <summary>Every file it holds, relative to its folder, build output excluded.</summary>
    public IEnumerable<string> Files() =>
        System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
            .Select(file => System.IO.Path.GetRelativePath(Directory, file))
            .Where(file => !BuildOutput().IsMatch(file));

    /// <summary>
    /// Runs its tests that match <paramref name="filter"/>, in the solution or one test project; returns the runner's output
    /// (quoted), asserting that tests ran and passed.
    /// </summary>
    public async Task<string> TestAsync(string filter, TimeSpan deadline, string? project = null)
    {
        await BuildAsync(project);
        var output = await DotnetCommand.SucceedAsync(Directory,
            ["test", project ?? SolutionFile, "-c", "Debug", "--no-build", "-nologo", "-m:1", "--filter", filter], deadline);
        var passed = PassedCount().Matches(output).Sum(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(passed > 0, $"No test of {Name} matched '{filter}':\n{DotnetCommand.Quoted(output)}");
        return DotnetCommand.Quoted(output);
    }

    /// <summary>
    /// Runs <c>./test.sh --fast</c>, the fast half of the README's test command, as its owner would; returns its output quoted,
    /// asserting that it ends with its summary line and that tests ran and all passed.
    /// </summary>
    public async Task<string> FastTestCommandAsync(TimeSpan deadline)
    {
        // RunAnalyzers=false, as BuildAsync builds: so that one build serves both (see there). No node reuse: no MSBuild
        // server outlives the test.
        var output = await DotnetCommand.SucceedAsync(Directory, Path("test.sh"), ["--fast"], deadline,
            new Dictionary<string, string?> { ["RunAnalyzers"] = "false", ["MSBUILDDISABLENODEREUSE"] = "1" });
        var summary = FastTestSummary().Match(output.TrimEnd());
        Assert.True(summary.Success, $"./test.sh --fast of {Name} did not end with its summary line:\n{DotnetCommand.Quoted(output)}");
        Assert.True(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"./test.sh --fast of {Name} ran no test");
        return DotnetCommand.Quoted(output);
    }

    [GeneratedRegex(@"Tests: (\d+) passed, 0 failed, \d+ skipped$")]
    private static partial Regex FastTestSummary();

    [GeneratedRegex(@"(^|/)(bin|obj)/")]
    private static partial Regex BuildOutput();

    [GeneratedRegex(@"Passed:\s+(\d+)")]
    private static partial Regex PassedCount();
}
