namespace ReferenceApp.Supervisor.Contracts;

/// <summary>
/// How to start a Supervisor built from source: the native executable that <c>dotnet publish Supervisor -c Release</c>
/// writes to <c>bin/aot/</c> when it is there and not older than the JIT build, else the JIT build's
/// <c>Supervisor.dll</c> with <c>dotnet exec</c>. Either way the process started is the Supervisor itself, so its PID is
/// the Supervisor's. The AppHost integration and the tests both start it through this one rule.
/// </summary>
/// <param name="FileName">What to execute: the native executable, or <c>dotnet</c>.</param>
/// <param name="Arguments">What goes before the Supervisor's own arguments: nothing, or <c>exec</c> and the dll's path.</param>
/// <param name="IsNative">Whether it is the ahead-of-time compiled executable.</param>
/// <param name="Note">Why a native executable that exists was passed over, for a log line; else null.</param>
public sealed record SupervisorBinary(string FileName, IReadOnlyList<string> Arguments, bool IsNative, string? Note)
{
    /// <summary>Where <c>dotnet publish</c> puts the native executable, relative to the Supervisor's project folder.</summary>
    public const string NativeRelativePath = "bin/aot/Supervisor";

    /// <summary>The native executable of a Supervisor project folder.</summary>
    public static string NativePath(string projectDirectory) => Path.Combine(projectDirectory, NativeRelativePath);

    /// <summary>
    /// The binary to run for the Supervisor project in <paramref name="projectDirectory"/>, whose JIT build is
    /// <paramref name="assemblyPath"/>; null when neither exists.
    /// </summary>
    public static SupervisorBinary? Find(string projectDirectory, string assemblyPath)
    {
        var native = new FileInfo(NativePath(projectDirectory));
        var assembly = new FileInfo(assemblyPath);
        if (native.Exists && (!assembly.Exists || native.LastWriteTimeUtc >= assembly.LastWriteTimeUtc))
        {
            return new SupervisorBinary(native.FullName, [], IsNative: true, Note: null);
        }

        if (!assembly.Exists)
        {
            return null;
        }

        var note = native.Exists
            ? $"{native.FullName} is older than {assembly.FullName}, so the JIT build runs; 'dotnet publish {projectDirectory} -c Release' brings the native one up to date."
            : null;
        return new SupervisorBinary("dotnet", ["exec", assembly.FullName], IsNative: false, note);
    }
}
