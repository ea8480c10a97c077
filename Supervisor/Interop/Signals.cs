using System.Runtime.InteropServices;

namespace ReferenceApp.Supervisor.Interop;

/// <summary>POSIX signals the Supervisor sends to its workers: kill(2), signal(7).</summary>
internal static partial class Signals
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>False when the process no longer exists.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>The signal that ended a process, from the exit code .NET reports on Unix (128 + signal number).</summary>
    public static int? FromExitCode(int exitCode) => exitCode is > 128 and < 128 + 65 ? exitCode - 128 : null;

    public static string Name(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };

    // int kill(pid_t pid, int sig);  -- kill(2)
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
