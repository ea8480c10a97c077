using System.Net;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using ReferenceApp.Testing.Load;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.Reloads;

/// <summary>Rolling reloads under load: every worker replaced, one at a time, and not one request lost.</summary>
public sealed class RollingReloadTests(ITestOutputHelper output)
{
    private static readonly byte[] KeepAlive = RawHttpConnection.Request("GET", "/api/whoami");
    private static readonly byte[] Close = RawHttpConnection.Request("GET", "/api/whoami", [new("Connection", "close")]);

    [Fact]
    public async Task Rolling_reloads_under_load_with_RoundRobin_fail_no_request()
    {
        var profile = ReliabilityProfile.Current;
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", "RoundRobin"]);
        var replaced = new HashSet<int>((await supervisor.GetStatusAsync()).Workers.Select(worker => worker.Pid!.Value));

        using var stopLoad = new CancellationTokenSource();
        // Half the users keep their connection (those must move off a draining worker), half open one per request
        // (those arrive while a worker drains).
        var load = HttpLoad.RunAsync(supervisor.Port, users: 12, TimeSpan.FromMinutes(10),
            user => user.Index % 2 == 0 ? new LoadRequest("keep-alive", KeepAlive) : new LoadRequest("close", Close),
            cancellationToken: stopLoad.Token);

        var durations = new List<TimeSpan>();
        for (var reload = 1; reload <= profile.Reloads; reload++)
        {
            var startedAt = DateTimeOffset.UtcNow;
            using (var response = await supervisor.PostAsync("/reload"))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            var done = await supervisor.WaitForStatusAsync(
                status => status.Reload is { State: not ReloadState.Running } finished && finished.StartedAt >= startedAt.AddSeconds(-1),
                TimeSpan.FromSeconds(180), $"reload {reload} to finish");
            Assert.Equal(ReloadState.Completed, done.Reload!.State);
            durations.Add(done.Reload.CompletedAt!.Value - done.Reload.StartedAt);
            Assert.All(done.Workers, worker => Assert.Equal(WorkerState.Ready, worker.State));
            Assert.DoesNotContain(done.Workers, worker => replaced.Contains(worker.Pid!.Value));
            replaced.UnionWith(done.Workers.Select(worker => worker.Pid!.Value));
        }

        await stopLoad.CancelAsync();
        var report = await load;

        output.WriteLine($"{profile.Reloads} reloads, each {string.Join(", ", durations.Select(d => $"{d.TotalSeconds:F1} s"))}");
        output.WriteLine(report.Describe());
        ScenarioResults.Record("rolling-reloads-roundrobin", new Dictionary<string, object?>
        {
            ["reloads"] = profile.Reloads,
            ["reloadSeconds"] = durations.Select(d => Math.Round(d.TotalSeconds, 1)).ToArray(),
            ["requests"] = report.Requests,
            ["failed"] = report.Failed + report.ServerErrors,
            ["retryable"] = report.Retryable,
            ["unretryable"] = report.Unretryable,
            ["outcomes"] = report.Outcomes(),
        });

        Assert.True(report.Requests > 100, $"the load barely ran: {report.Describe()}");
        // Not one request lost, by the strictest count: no 5xx, no cut response, no refused or reset connection, no timeout,
        // and no keep-alive connection closed under a request. A draining worker answers Connection: close and keeps its
        // accept loop open until its clients have left, so even the race RFC 9112 section 9.3.1 allows must not happen.
        Assert.True(report.Failed + report.ServerErrors == 0, report.Describe());
    }
}
