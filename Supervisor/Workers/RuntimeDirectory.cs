using System.Security.Cryptography;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>
/// The Supervisor's private directory (mode 0700) for the workers' channel sockets: only this user can reach them, and
/// each socket additionally demands its worker's secret. Removed at shutdown.
/// </summary>
internal sealed class RuntimeDirectory : IDisposable
{
    // sun_path holds 108 bytes (unix(7)); long TMPDIRs would leave no room for the socket names.
    private const int MaxDirectoryLength = 80;

    public RuntimeDirectory()
    {
        var root = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Directory.Exists(runtime)
            ? runtime
            : System.IO.Path.GetTempPath();
        var name = $"referenceapp-supervisor-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var path = System.IO.Path.Combine(root, name);
        if (path.Length > MaxDirectoryLength)
        {
            path = System.IO.Path.Combine("/tmp", name);
        }

        Path = Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A socket of a worker that is still exiting; the OS cleans the temp folder.
        }
    }
}
