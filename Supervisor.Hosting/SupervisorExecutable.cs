using System.Reflection;
using ReferenceApp.Supervisor.Contracts;

namespace Aspire.Hosting;

/// <summary>
/// The Supervisor this integration was built with (assembly metadata written by Supervisor.Hosting.csproj): its native
/// executable from <c>dotnet publish Supervisor -c Release</c> when that is up to date, else its JIT build
/// <c>Supervisor/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Supervisor.dll</c> with <c>dotnet exec</c> (see
/// <see cref="SupervisorBinary"/>). Either way the resource's PID is the Supervisor's own, not a <c>dotnet run</c> wrapper's.
/// </summary>
internal static class SupervisorExecutable
{
    private static readonly Lazy<SupervisorBinary?> Found = new(() => SupervisorBinary.Find(ProjectDirectory, AssemblyPath));

    public static string ProjectPath => Metadata("ReferenceApp.SupervisorProject");

    public static string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;

    public static string AssemblyPath => Path.Combine(ProjectDirectory, "bin", Metadata("ReferenceApp.Configuration"),
        Metadata("ReferenceApp.TargetFramework"), Path.GetFileNameWithoutExtension(ProjectPath) + ".dll");

    /// <summary>What to run; null when the Supervisor is neither built nor published.</summary>
    public static SupervisorBinary? Binary => Found.Value;

    /// <summary>The command of the resource: the native executable, or <c>dotnet</c> (also when nothing is built yet).</summary>
    public static string Command => Binary?.FileName ?? "dotnet";

    /// <summary>Null when the Supervisor is built, else what to do about it.</summary>
    public static string? Missing() => Binary is null
        ? $"The Supervisor is not built ({AssemblyPath} is missing). 'dotnet run --project AppHost' builds it; or run 'dotnet build {ProjectPath}'."
        : null;

    private static string Metadata(string key) =>
        typeof(SupervisorExecutable).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"{typeof(SupervisorExecutable).Assembly.GetName().Name} has no '{key}' metadata; Supervisor.Hosting.csproj writes it at build time.");
}
