using System.Globalization;
using System.Text.Json;

namespace ReferenceApp.Reliability.Tests;

/// <summary>
/// Scenario measurements for bench/reliability/run.sh: with <c>RELIABILITY_RESULTS</c> set to a file, each scenario appends
/// one JSON line with its numbers. Pass or fail is the test's own assertions; these numbers explain the verdict.
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
