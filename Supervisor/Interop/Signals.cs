using System.Runtime.InteropServices;

namespace ReferenceApp.Supervisor.Interop;

/// <summary>POSIX signals the Supervisor sends to its workers and the ones it handles: kill(2), signal(2), signal(7).</summary>
internal static partial class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>False when the process no longer exists.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>The signal that ended a process, from the exit code .NET reports on Unix (128 + signal number).</summary>
    public static int? FromExitCode(int exitCode) => exitCode is > 128 and < 128 + 65 ? exitCode - 128 : null;

    public static string Name(int signal) => signal switch
    {
        SIGHUP => "SIGHUP",
        SIGINT => "SIGINT",
        6 => "SIGABRT",
        SIGKILL => "SIGKILL",
        11 => "SIGSEGV",
        SIGTERM => "SIGTERM",
        _ => $"signal {signal}",
    };

    /// <summary>
    /// Gives SIGHUP (reload), SIGINT, SIGQUIT and SIGTERM (stop) their default disposition again, before the host handles
    /// them. A process inherits signals its launcher ignored: `nohup` ignores SIGHUP, and a non-interactive shell's
    /// background job ignores SIGINT and SIGQUIT. The JIT runtime handles them anyway, but the native (AOT) build keeps
    /// an inherited "ignore", so without this a Supervisor started that way would not reload on SIGHUP and would not stop
    /// on the SIGINT with which DCP and Ctrl+C stop it.
    /// </summary>
    public static void RestoreDefaultHandling()
    {
        foreach (var signal in (ReadOnlySpan<int>)[SIGHUP, SIGINT, SIGQUIT, SIGTERM])
        {
            _ = SetDisposition(signal, SignalDefault);
        }
    }

    // sighandler_t signal(int signum, sighandler_t handler);  -- signal(2); SIG_DFL is 0
    private const nint SignalDefault = 0;

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetDisposition(int signal, nint handler);

    // int kill(pid_t pid, int sig);  -- kill(2)
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
