using System.Globalization;
using ReferenceApp.Testing;

namespace ReferenceApp.Template.Tests;

/// <summary>
/// Installs the template from this working tree into a CLI home of its own (never the user's), and makes the solutions the
/// tests read: one with every default under a new name, one with every option turned, one without the hub only.
/// </summary>
public sealed class TemplateFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("referenceapp-template-").FullName;

    /// <summary><c>dotnet new referenceapp -n Contoso.Shop</c>: the whole system, renamed.</summary>
    public GeneratedSolution Full { get; private set; } = null!;

    /// <summary>
    /// Every option turned: no Web, no hub, two workers, Sticky, and a base port of its own; and a kebab-case name
    /// (<c>fabrikam-lean</c>), as many repositories are named, which is not a namespace as it stands.
    /// </summary>
    public GeneratedSolution Lean { get; private set; } = null!;

    /// <summary>The Web kept, the hub left out.</summary>
    public GeneratedSolution WithoutHub { get; private set; } = null!;

    /// <summary>The <c>--base-port</c> <see cref="Lean"/> was made with: one at which every derived port was free.</summary>
    public int LeanBasePort { get; } = FreePort.AppHostBase();

    /// <summary>The template engine's state lives here, not in the user's ~/.dotnet (and NuGet keeps its usual cache).</summary>
    private IReadOnlyDictionary<string, string?> TemplateHome => new Dictionary<string, string?> { ["DOTNET_CLI_HOME"] = Path.Combine(_root, "cli-home") };

    public async Task InitializeAsync()
    {
        await DotnetCommand.SucceedAsync(_root, ["new", "install", RepositoryPaths.Root], TimeSpan.FromMinutes(2), TemplateHome);
        Full = await NewAsync("Contoso.Shop");
        Lean = await NewAsync("fabrikam-lean", "--no-web", "--no-realtime", "--workers", "2", "--default-balancing", "Sticky",
            "--base-port", LeanBasePort.ToString(CultureInfo.InvariantCulture));
        WithoutHub = await NewAsync("Northwind.Pages", "--no-realtime");
    }

    public Task DisposeAsync()
    {
        // The generated solutions and their build output: a few hundred MB each.
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary><c>dotnet new referenceapp -n <paramref name="name"/></c> with <paramref name="options"/>, into a folder of its own.</summary>
    public async Task<GeneratedSolution> NewAsync(string name, params string[] options)
    {
        var directory = Path.Combine(_root, name);
        await DotnetCommand.SucceedAsync(_root, ["new", "referenceapp", "-n", name, "-o", directory, .. options], TimeSpan.FromMinutes(2), TemplateHome);
        return new GeneratedSolution(name, directory, options);
    }

    /// <summary>As <see cref="NewAsync"/>, for options <c>dotnet new</c> should refuse: its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RefusedNewAsync(string name, params string[] options)
    {
        await using var run = await DotnetCommand.RunAsync(_root, ["new", "referenceapp", "-n", name, "-o", Path.Combine(_root, name), .. options],
            TimeSpan.FromMinutes(2), TemplateHome);
        return (run.ExitCode, run.Output);
    }
}

/// <summary>One template installation for every test class: they share its solutions and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class TemplateGroup : ICollectionFixture<TemplateFixture>
{
    public const string Name = "Template";
}
