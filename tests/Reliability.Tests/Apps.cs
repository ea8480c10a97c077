using System.Runtime.Versioning;
using ReferenceApp.Testing;

// Chaos, reloads and outages measure failure rates and timings: run them one at a time, never beside each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: SupportedOSPlatform("linux")]

namespace ReferenceApp.Reliability.Tests;

/// <summary>The apps under test and the deadlines the scenarios allow them.</summary>
internal static class Apps
{
    public static string Api => RepositoryPaths.BuiltAssembly("Api");

#if (!NoRealtime)
    public static string RealtimeHub => RepositoryPaths.BuiltAssembly("RealtimeHub");
#endif

    /// <summary>Start-up, replacement and recovery on a busy 2-core machine: generous, and still a failure when missed.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
}
