using System.Diagnostics.CodeAnalysis;
using System.Xml.Linq;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>The app the workers run: its built assembly, started with <c>dotnet exec</c>, and the directory it runs in.</summary>
/// <param name="AssemblyPath">Full path of the app's .dll.</param>
/// <param name="AssemblyName">File name without extension: the default service name, lower-cased.</param>
/// <param name="WorkingDirectory">The project directory when a project was given (as <c>dotnet run</c> does), else the dll's folder,
/// so the app finds its appsettings.json and wwwroot through its content root.</param>
public sealed record WorkerApplication(string AssemblyPath, string AssemblyName, string WorkingDirectory)
{
    /// <summary>Resolves <c>--app</c>: a .dll, a .csproj, or a directory holding one .csproj.</summary>
    public static bool TryResolve(string path, [NotNullWhen(true)] out WorkerApplication? app, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        app = null;
        var full = Path.GetFullPath(path);

        if (full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(full))
            {
                problem = $"--app '{path}': no such file ({full}).";
                return false;
            }

            app = new WorkerApplication(full, Path.GetFileNameWithoutExtension(full), Path.GetDirectoryName(full)!);
            problem = null;
            return true;
        }

        string project;
        if (full.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) && File.Exists(full))
        {
            project = full;
        }
        else if (Directory.Exists(full))
        {
            var projects = Directory.GetFiles(full, "*.csproj");
            if (projects.Length != 1)
            {
                problem = projects.Length == 0
                    ? $"--app '{path}': the directory holds no .csproj and is not a .dll. Give the worker's built .dll or its project directory."
                    : $"--app '{path}': the directory holds {projects.Length} .csproj files; give the one to run.";
                return false;
            }

            project = projects[0];
        }
        else
        {
            problem = $"--app '{path}': no such file or directory ({full}). Give the worker's built .dll or its project directory.";
            return false;
        }

        var projectDirectory = Path.GetDirectoryName(project)!;
        var assemblyName = ReadAssemblyName(project) ?? Path.GetFileNameWithoutExtension(project);
        var built = BuiltAssembly(projectDirectory, assemblyName);
        if (built is null)
        {
            problem = $"--app '{path}': {Path.GetFileName(project)} has no build output ({assemblyName}.dll under bin/<Configuration>/<TargetFramework>/). Build it first: dotnet build {projectDirectory}";
            return false;
        }

        app = new WorkerApplication(built, assemblyName, projectDirectory);
        problem = null;
        return true;
    }

    /// <summary>The newest build among bin/*/*/: whichever configuration was built last is the one meant.</summary>
    private static string? BuiltAssembly(string projectDirectory, string assemblyName)
    {
        var bin = Path.Combine(projectDirectory, "bin");
        if (!Directory.Exists(bin))
        {
            return null;
        }

        return Directory.EnumerateDirectories(bin)
            .SelectMany(Directory.EnumerateDirectories)
            .Select(directory => Path.Combine(directory, assemblyName + ".dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }

    private static string? ReadAssemblyName(string project)
    {
        try
        {
            var name = XDocument.Load(project).Descendants().FirstOrDefault(e => e.Name.LocalName == "AssemblyName")?.Value.Trim();
            return string.IsNullOrEmpty(name) || name.Contains('$', StringComparison.Ordinal) ? null : name;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
