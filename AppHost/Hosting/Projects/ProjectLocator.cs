using System.Reflection;

namespace ReferenceApp.AppHost.Hosting.Projects;

/// <summary>
/// Finds the built assemblies of this solution's projects: <c>&lt;repository&gt;/&lt;Project&gt;/bin/&lt;Configuration&gt;/&lt;tfm&gt;/&lt;Project&gt;.dll</c>,
/// with the repository, configuration and target framework the AppHost itself was built with (assembly metadata from AppHost.csproj).
/// </summary>
internal sealed class ProjectLocator
{
    public ProjectLocator()
        : this(Metadata("ReferenceApp.RepositoryRoot"), Metadata("ReferenceApp.Configuration"), Metadata("ReferenceApp.TargetFramework"))
    {
    }

    public ProjectLocator(string repositoryRoot, string configuration, string targetFramework)
    {
        RepositoryRoot = repositoryRoot;
        Configuration = configuration;
        TargetFramework = targetFramework;
    }

    public string RepositoryRoot { get; }

    public string Configuration { get; }

    public string TargetFramework { get; }

    public string ProjectDirectory(string project) => Path.Combine(RepositoryRoot, project);

    public string AssemblyPath(string project) =>
        Path.Combine(RepositoryRoot, project, "bin", Configuration, TargetFramework, project + ".dll");

    /// <summary>Null when the project is built, else a message that says how to fix it.</summary>
    public string? MissingAssembly(string resource, string project)
    {
        var path = AssemblyPath(project);
        return File.Exists(path)
            ? null
            : $"{resource}: project {project} is not built ({path} is missing). Build it with 'dotnet build AppHost -c {Configuration}', or start with 'dotnet run --project AppHost', which builds it.";
    }

    private static string Metadata(string key) =>
        typeof(ProjectLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"AppHost.dll has no '{key}' metadata; it is written by AppHost.csproj at build time.");
}
