using System.Diagnostics;
using System.Globalization;
using System.Text;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using ReferenceApp.Testing.Load;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.Outages;

/// <summary>Redis dies under mixed load and comes back: stateless traffic never notices, state endpoints say 503, all recover.</summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RecoveryTarget = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(10);

    private const string Stateless = "GET /api/whoami";
    private static readonly string[] Stateful = ["POST /api/session/visits", "GET /api/session/cart", "POST /api/session/cart", "DELETE /api/session/cart", "POST /api/counters/shared"];

    [Fact]
    public async Task Redis_killed_under_mixed_load_leaves_stateless_requests_100_percent_OK_state_requests_503_and_all_recover_within_5_s()
    {
        var outage = ReliabilityProfile.Current.RedisOutage;
        await using var redis = await RedisServer.StartAsync();
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", "RoundRobin"],
            environment: new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString });

        var clock = Stopwatch.StartNew();
        var load = HttpLoad.RunAsync(supervisor.Port, users: 12, Before + outage + After, NextRequest);

        await Eventually.TrueAsync(() => clock.Elapsed >= Before, Before + Apps.Deadline, "the load to run before the outage");
        await redis.StopAsync();
        var killedAt = clock.Elapsed;
        await Eventually.TrueAsync(() => clock.Elapsed >= killedAt + outage, outage + Apps.Deadline, "the outage to last");
        await redis.RestartAsync();
        var backAt = clock.Elapsed;
        var report = await load;

        var stateless = report.Outcomes(Stateless);
        var stateful = Stateful.ToDictionary(endpoint => endpoint, endpoint => report.Outcomes(endpoint), StringComparer.Ordinal);
        var during = Stateful.Sum(endpoint => report.Outcomes(endpoint, (int)killedAt.TotalSeconds + 1, (int)backAt.TotalSeconds).GetValueOrDefault("503"));
        var recoveredAfter = Stateful.Select(endpoint => report.LastSecondWithout(endpoint, "200")).Max() is { } last
            ? TimeSpan.FromSeconds(Math.Max(0, last + 1 - backAt.TotalSeconds))
            : TimeSpan.Zero;

        output.WriteLine($"Redis killed at {killedAt.TotalSeconds:F1} s, back at {backAt.TotalSeconds:F1} s; state endpoints all 200 again {recoveredAfter.TotalSeconds:F0} s after");
        output.WriteLine(report.Describe());
        output.WriteLine(report.DescribeTimeline());
        ScenarioResults.Record("redis-outage", new Dictionary<string, object?>
        {
            ["outageSeconds"] = Math.Round((backAt - killedAt).TotalSeconds, 1),
            ["requests"] = report.Requests,
            ["stateless"] = stateless,
            ["stateful"] = stateful,
            ["stateful503DuringOutage"] = during,
            ["recoveredSecondsAfterRedisReturned"] = recoveredAfter.TotalSeconds,
        });

        Assert.True(stateless.Keys.SequenceEqual(["200"]), $"stateless requests were not all 200: {report.Describe()}");
        foreach (var (endpoint, outcomes) in stateful)
        {
            Assert.True(outcomes.Keys.All(outcome => outcome is "200" or "503"), $"{endpoint} answered something other than 200 or 503: {report.Describe()}");
        }

        Assert.True(during > 0, "no state request saw the outage: Redis was not really down");
        Assert.True(recoveredAfter <= RecoveryTarget, $"state endpoints recovered {recoveredAfter.TotalSeconds:F0} s after Redis returned:\n{report.DescribeTimeline()}");
    }

    private static readonly byte[] WhoAmI = RawHttpConnection.Request("GET", "/api/whoami");
    private static readonly byte[] CartItem = Encoding.UTF8.GetBytes("{\"sku\":\"tea-01\",\"quantity\":1}");

    // Each user keeps its own session cookie, as a browser would; two requests in five are stateless.
    private static LoadRequest NextRequest(LoadUser user)
    {
        var cookie = user.CookieHeader is { } value ? new[] { new KeyValuePair<string, string>("Cookie", value) } : [];
        return (user.Sequence % 5) switch
        {
            0 or 1 => new(Stateless, WhoAmI),
            2 => new(Stateful[0], RawHttpConnection.Request("POST", "/api/session/visits", cookie)),
            // Add, read, empty: the cart never fills up (a full cart answers 409, which is right but not what is measured).
            3 => (user.Sequence / 5 % 3) switch
            {
                0 => new(Stateful[2], RawHttpConnection.Request("POST", "/api/session/cart", [.. cookie, new("Content-Type", "application/json")], CartItem)),
                1 => new(Stateful[1], RawHttpConnection.Request("GET", "/api/session/cart", cookie)),
                _ => new(Stateful[3], RawHttpConnection.Request("DELETE", "/api/session/cart", cookie)),
            },
            _ => new(Stateful[4], RawHttpConnection.Request("POST", "/api/counters/shared")),
        };
    }
}
