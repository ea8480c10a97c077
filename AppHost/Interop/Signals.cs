using System.Runtime.InteropServices;

namespace ReferenceApp.AppHost.Interop;

/// <summary>POSIX signals the AppHost sends its children to stop them gracefully.</summary>
internal static partial class Signals
{
    public const int SIGTERM = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process no longer exists. See kill(2).</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    // int kill(pid_t pid, int sig);  -- kill(2)
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
