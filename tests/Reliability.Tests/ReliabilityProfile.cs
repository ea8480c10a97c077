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
