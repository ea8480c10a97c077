using System.Net;
using System.Net.Http.Json;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;
using Xunit.Abstractions;

namespace ReferenceApp.AppHost.Tests.Orchestration;

/// <summary>
/// The real AppHost running the whole system on free ports: Redis, the supervised Api and RealtimeHub, and Web.
/// One class, so the two runs do not compete for the machine's cores.
/// </summary>
public sealed class AppHostLifecycleTests(ITestOutputHelper output)
{
    private const int ApiWorkers = 2;
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);

    // AppHost, redis-server (+ its stdin watcher), api Supervisor + workers, realtime Supervisor + 1 worker, web.
    private const int MinimumProcesses = 1 + 1 + 1 + ApiWorkers + 1 + 1 + 1;

    [Fact]
    public async Task AppHost_starts_every_resource_healthy_serves_from_every_api_worker_and_stops_everything_on_SIGTERM()
    {
        await using var appHost = await AppHostProcess.StartAsync(["--api-workers", $"{ApiWorkers}", "--realtime-workers", "1"]);
        output.WriteLine($"Start-up, from the built AppHost to every resource healthy: {appHost.StartupTime.TotalSeconds:F1} s");
        var processes = MarkedProcesses.Find(appHost.RunMarker);

        await AssertHealthyAsync(appHost.WebAddress, appHost.ApiAddress, appHost.RealtimeAddress);
        await AssertRedisServesThroughTheApiAsync(appHost);
        var workerPids = await DistinctWorkerPidsAsync(appHost.ApiAddress);
        Assert.Equal(ApiWorkers, workerPids.Count);
        Assert.Subset(processes.ToHashSet(), workerPids);
        Assert.True(processes.Count >= MinimumProcesses, $"expected at least {MinimumProcesses} processes of this run, found {processes.Count}");

        Assert.True(appHost.Process.Signal(Signals.SIGTERM));

        Assert.True(await appHost.Process.WaitForExitAsync(StopDeadline), $"the AppHost did not stop within {StopDeadline.TotalSeconds} s of SIGTERM");
        Assert.Equal(0, appHost.Process.ExitCode);
        await AssertNothingLeftAsync(appHost, TimeSpan.FromSeconds(5));
        AssertStoppedInReverseDependencyOrder(appHost.Process.OutputLines);
    }

    [Fact]
    public async Task SIGKILL_of_the_AppHost_leaves_no_process_and_no_port_behind()
    {
        // Garnet here (redis-server above): neither server watches stdin, the AppHost's watcher must stop both.
        await using var appHost = await AppHostProcess.StartAsync(["--api-workers", $"{ApiWorkers}", "--realtime-workers", "1", "--redis-server", "Garnet"]);
        output.WriteLine($"Start-up with Garnet: {appHost.StartupTime.TotalSeconds:F1} s");
        var processes = MarkedProcesses.Find(appHost.RunMarker);
        Assert.True(processes.Count >= MinimumProcesses, $"expected at least {MinimumProcesses} processes of this run, found {processes.Count}");
        Assert.Contains(appHost.Process.OutputLines, line => line.Contains("Garnet", StringComparison.Ordinal));

        Assert.True(appHost.Process.Signal(Signals.SIGKILL));
        Assert.True(await appHost.Process.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        // Every child sees EOF on its stdin and stops by itself: nobody is left to stop it.
        await AssertNothingLeftAsync(appHost, StopDeadline);
    }

    private static async Task AssertHealthyAsync(params Uri[] services)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var service in services)
        {
            using var response = await http.GetAsync(new Uri(service, "/health"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service}health answered {(int)response.StatusCode}");
        }
    }

    private static async Task AssertRedisServesThroughTheApiAsync(AppHostProcess appHost)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsync(new Uri(appHost.ApiAddress, "/api/counters/shared"), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Asks on a new connection each time, so the kernel's SO_REUSEPORT spread can reach every worker.</summary>
    private static async Task<HashSet<int>> DistinctWorkerPidsAsync(Uri api)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var pids = new HashSet<int>();
        for (var request = 0; request < 60 && (pids.Count < ApiWorkers || request < 20); request++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(api, "/api/whoami"));
            message.Headers.ConnectionClose = true;
            using var response = await http.SendAsync(message);
            response.EnsureSuccessStatusCode();
            var whoAmI = await response.Content.ReadFromJsonAsync<WhoAmI>();
            pids.Add(whoAmI!.Pid);
        }

        return pids;
    }

    private static async Task AssertNothingLeftAsync(AppHostProcess appHost, TimeSpan deadline)
    {
        await Eventually.TrueAsync(
            () => MarkedProcesses.Find(appHost.RunMarker).Count == 0,
            deadline,
            "every process of the run to exit");
        foreach (var port in appHost.Ports.All)
        {
            Assert.False(FreePort.IsListening(port), $"port {port} still accepts connections");
        }
    }

    /// <summary>web depends on api and realtime, which depend on redis: web stops first, redis last.</summary>
    private static void AssertStoppedInReverseDependencyOrder(IReadOnlyCollection<string> lines)
    {
        var list = lines.ToList();
        int StoppedAt(string resource)
        {
            var index = list.FindIndex(line => line.Contains($"] {resource} stopped (exit code 0)", StringComparison.Ordinal));
            Assert.True(index >= 0, $"{resource} did not stop gracefully (exit code 0)");
            return index;
        }

        var web = StoppedAt("web");
        var api = StoppedAt("api");
        var realtime = StoppedAt("realtime");
        var redis = StoppedAt("redis");
        Assert.True(web < api && web < realtime, "web must stop before the services it depends on");
        Assert.True(api < redis && realtime < redis, "redis must stop after every service that uses it");
    }

    private sealed record WhoAmI(int Pid, int? WorkerIndex);
}
