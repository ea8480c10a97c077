using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using ReferenceApp.Testing;

// Chaos, reloads and outages measure failure rates and timings: run them one at a time, never beside each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: SupportedOSPlatform("linux")]

namespace ReferenceApp.Reliability.Tests;

/// <summary>
/// How long the scenarios run. CI runs short versions (the default); <c>RELIABILITY_PROFILE=full</c> runs the lengths the
/// reliability targets are stated for (bench/reliability/run.sh sets it).
/// </summary>
internal sealed record ReliabilityProfile(string Name, TimeSpan KillLoad, TimeSpan KillInterval, int Reloads, TimeSpan RedisOutage, int CorpusRounds)
{
    public static ReliabilityProfile Current { get; } =
        string.Equals(Environment.GetEnvironmentVariable("RELIABILITY_PROFILE"), "full", StringComparison.OrdinalIgnoreCase)
            ? new("full", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3), Reloads: 5, TimeSpan.FromSeconds(10), CorpusRounds: 20)
            : new("ci", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), Reloads: 2, TimeSpan.FromSeconds(10), CorpusRounds: 5);
}

/// <summary>The apps under test and the deadlines the scenarios allow them.</summary>
internal static class Apps
{
    public static string Api => RepositoryPaths.BuiltAssembly("Api");

    public static string RealtimeHub => RepositoryPaths.BuiltAssembly("RealtimeHub");

    /// <summary>Start-up, replacement and recovery on a busy 2-core machine: generous, and still a failure when missed.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Scenario measurements for bench/reliability/run.sh: with <c>RELIABILITY_RESULTS</c> set to a file, each scenario appends
/// one JSON line (name, PASS/FAIL is decided by the test's assertions, the numbers here explain it).
/// </summary>
internal static class ScenarioResults
{
    private static readonly Lock Gate = new();

    public static void Record(string scenario, IReadOnlyDictionary<string, object?> measurements)
    {
        if (Environment.GetEnvironmentVariable("RELIABILITY_RESULTS") is not { Length: > 0 } file)
        {
            return;
        }

        var line = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["scenario"] = scenario,
            ["profile"] = ReliabilityProfile.Current.Name,
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["measurements"] = measurements,
        });
        lock (Gate)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }
}
