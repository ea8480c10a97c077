using System.Runtime.InteropServices;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Interop;

/// <summary>
/// Asks the Linux kernel to send this process a signal when its parent dies: prctl(2), PR_SET_PDEATHSIG.
/// Caveat (see prctl(2)): "parent" is the parent's *thread* that forked this process, so the parent must launch children
/// from a thread that lives as long as it does; the Supervisor launches workers from one dedicated thread for this reason.
/// </summary>
internal static partial class ParentDeathSignal
{
    // <linux/prctl.h>: PR_SET_PDEATHSIG = 1. <signal.h>: SIGTERM = 15.
    private const int PrSetPdeathsig = 1;
    private const int SigTerm = 15;

    /// <summary>SIGTERM on parent death, so the host stops gracefully (drains) rather than dying mid-request. False off Linux or on failure.</summary>
    public static bool RequestSigTermOnParentDeath() =>
        OperatingSystem.IsLinux() && Prctl(PrSetPdeathsig, SigTerm, 0, 0, 0) == 0;

    // int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);  -- prctl(2)
    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
