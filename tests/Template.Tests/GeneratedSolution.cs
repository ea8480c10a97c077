using System.Text.RegularExpressions;

namespace ReferenceApp.Template.Tests;

/// <summary>A solution that <c>dotnet new referenceapp</c> wrote: its folder, and its build and test runs, each done once.</summary>
public sealed partial class GeneratedSolution
{
    private readonly Lazy<Task> _build;

    internal GeneratedSolution(string name, string directory, IReadOnlyList<string> options)
    {
        Name = name;
        Directory = directory;
        Options = options;
        BuildOutputAtCreation = System.IO.Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories)
            .Where(folder => System.IO.Path.GetFileName(folder) is "bin" or "obj")
            .ToList();
        _build = new(() => DotnetCommand.SucceedAsync(Directory,
            ["build", $"{Name}.slnx", "-c", "Debug", "-nologo", "-clp:ErrorsOnly", "-nodeReuse:false"], TimeSpan.FromMinutes(8)));
    }

    public string Name { get; }

    public string Directory { get; }

    /// <summary>The bin and obj folders it had as <c>dotnet new</c> left it: none, unless the template copied build output.</summary>
    public IReadOnlyList<string> BuildOutputAtCreation { get; }

    /// <summary>The options it was made with, after <c>-n Name</c>.</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>Builds it the first time it is asked; every later caller waits for that one build.</summary>
    public Task BuildAsync() => _build.Value;

    public string Path(string relative) => System.IO.Path.Combine(Directory, relative);

    public string Read(string relative) => File.ReadAllText(Path(relative));

    public bool Exists(string relative) => File.Exists(Path(relative)) || System.IO.Directory.Exists(Path(relative));

    /// <summary>Every file it holds, relative to its folder, build output excluded.</summary>
    public IEnumerable<string> Files() =>
        System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
            .Select(file => System.IO.Path.GetRelativePath(Directory, file))
            .Where(file => !BuildOutput().IsMatch(file));

    /// <summary>Runs its tests that match <paramref name="filter"/>; returns the runner's output, asserting that tests ran and passed.</summary>
    public async Task<string> TestAsync(string filter, TimeSpan deadline, IReadOnlyDictionary<string, string?>? environment = null)
    {
        await BuildAsync();
        var output = await DotnetCommand.SucceedAsync(Directory,
            ["test", $"{Name}.slnx", "-c", "Debug", "--no-build", "-nologo", "-m:1", "--filter", filter], deadline, environment);
        var passed = PassedCount().Matches(output).Sum(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(passed > 0, $"No test of {Name} matched '{filter}':\n{output}");
        return output;
    }

    [GeneratedRegex(@"(^|/)(bin|obj)/")]
    private static partial Regex BuildOutput();

    [GeneratedRegex(@"Passed:\s+(\d+)")]
    private static partial Regex PassedCount();
}
