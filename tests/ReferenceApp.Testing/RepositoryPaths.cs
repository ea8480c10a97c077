using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Testing;

/// <summary>Where the repository and the built service assemblies are, seen from a test's bin folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

//-:cnd:noEmit
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif
//+:cnd:noEmit

    /// <summary>The built dll of a project of this solution, e.g. <c>BuiltAssembly("Api")</c> or <c>BuiltAssembly("tests/TestWorker")</c>.</summary>
    public static string BuiltAssembly(string project)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", Path.GetFileName(project) + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{project} is not built at {path}. Build the solution before running the tests.", path);
    }

    /// <summary>How to start the Supervisor: its up-to-date native executable, else its JIT build (see <see cref="SupervisorBinary"/>).</summary>
    public static SupervisorBinary Supervisor =>
        SupervisorBinary.Find(Path.Combine(Root, "Supervisor"), BuiltAssembly("Supervisor"))
        ?? throw new FileNotFoundException("The Supervisor is not built. Build the solution before running the tests.");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReferenceApp.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"ReferenceApp.slnx not found above {AppContext.BaseDirectory}.");
    }
}
