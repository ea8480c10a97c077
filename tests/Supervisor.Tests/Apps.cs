using System.Runtime.Versioning;
using ReferenceApp.Testing;

// Every test here starts real processes on real ports: run them one at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: SupportedOSPlatform("linux")]

namespace ReferenceApp.Supervisor.Tests;

/// <summary>The worker apps the tests supervise, and settings that make the policies act within a test's patience.</summary>
internal static class Apps
{
    public static string Api => RepositoryPaths.BuiltAssembly("Api");

    /// <summary>A worker that misbehaves on request (tests/TestWorker).</summary>
    public static string TestWorker => RepositoryPaths.BuiltAssembly("tests/TestWorker");

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Quick restarts; no other policy changed.</summary>
    public static readonly string[] QuickRestarts =
    [
        "--Supervisor:Restart:InitialDelay", "00:00:00.200",
        "--Supervisor:Restart:MaxDelay", "00:00:01",
        "--drain-timeout", "10",
    ];
}
