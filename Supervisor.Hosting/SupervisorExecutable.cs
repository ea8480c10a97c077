using System.Reflection;

namespace Aspire.Hosting;

/// <summary>
/// Where the Supervisor's build is: <c>Supervisor/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Supervisor.dll</c> of the project this
/// integration was built with (assembly metadata written by Supervisor.Hosting.csproj). It runs with <c>dotnet exec</c>, so the
/// resource's PID is the Supervisor's own, not a <c>dotnet run</c> wrapper's.
/// </summary>
internal static class SupervisorExecutable
{
    public static string ProjectPath => Metadata("ReferenceApp.SupervisorProject");

    public static string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;

    public static string AssemblyPath => Path.Combine(ProjectDirectory, "bin", Metadata("ReferenceApp.Configuration"),
        Metadata("ReferenceApp.TargetFramework"), Path.GetFileNameWithoutExtension(ProjectPath) + ".dll");

    /// <summary>Null when the Supervisor is built, else what to do about it.</summary>
    public static string? Missing() => File.Exists(AssemblyPath)
        ? null
        : $"The Supervisor is not built ({AssemblyPath} is missing). 'dotnet run --project AppHost' builds it; or run 'dotnet build {ProjectPath}'.";

    private static string Metadata(string key) =>
        typeof(SupervisorExecutable).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"{typeof(SupervisorExecutable).Assembly.GetName().Name} has no '{key}' metadata; Supervisor.Hosting.csproj writes it at build time.");
}
