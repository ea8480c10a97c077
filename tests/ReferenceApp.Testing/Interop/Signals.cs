using System.Runtime.InteropServices;

namespace ReferenceApp.Testing.Interop;

/// <summary>POSIX signals for tests that stop processes the way an operator or the kernel would.</summary>
public static partial class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    /// <summary>Sends a signal to a process; false when it no longer exists. See kill(2).</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    // int kill(pid_t pid, int sig);  -- kill(2)
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
