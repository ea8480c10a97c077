using System.Collections.Concurrent;
using System.Globalization;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Handoff;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;

namespace ReferenceApp.Supervisor.Tests.Balancing;

/// <summary>The handoff policies in a real Supervisor with real Api worker processes, seen from real clients.</summary>
public sealed class HandoffClusterTests
{
    [Fact]
    public async Task RoundRobin_alternates_new_connections_between_the_worker_processes()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", "RoundRobin"]);
        var status = await supervisor.GetStatusAsync();
        Assert.Equal("RoundRobin", status.Policy);

        var pids = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await supervisor.GetOnNewConnectionAsync("/api/whoami");
            response.EnsureSuccessStatusCode();
            pids.Add(ServedBy.Pid(response));
        }

        var workerPids = status.Workers.Select(worker => worker.Pid!.Value).Order().ToArray();
        Assert.Equal(workerPids, pids.Distinct().Order().ToArray());
        Assert.All(pids.CountBy(pid => pid), count => Assert.Equal(20, count.Value));
    }

    [Fact]
    public async Task Worker_killed_mid_handoff_leaves_no_descriptor_behind_in_the_Supervisor()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", "RoundRobin", .. Apps.QuickRestarts]);
        for (var i = 0; i < 20; i++)
        {
            using var warm = await supervisor.GetOnNewConnectionAsync("/api/whoami");
        }

        var before = await supervisor.GetStatusAsync();
        var socketsBefore = OpenSockets(supervisor.Pid);

        using var stop = new CancellationTokenSource();
        var served = new ConcurrentDictionary<int, int>();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await supervisor.GetOnNewConnectionAsync("/api/whoami");
                    served.AddOrUpdate(ServedBy.Pid(response), 1, (_, n) => n + 1);
                }
                catch (HttpRequestException)
                {
                    // Connections handed to the worker at the moment it died are reset: that is the kill, not a leak.
                }
            }
        })).ToArray();

        await Eventually.TrueAsync(() => served.Count == 2, Apps.Deadline, "load on both workers");
        using (var kill = await supervisor.PostAsync("/workers/0/kill"))
        {
            kill.EnsureSuccessStatusCode();
        }

        var killed = before.Worker(0).Pid!.Value;
        var after = await supervisor.WaitForStatusAsync(
            status => status.Ready.Count == 2 && status.Worker(0).Pid != killed, Apps.Deadline, "worker 0 to be replaced");
        await Eventually.TrueAsync(() => served.ContainsKey(after.Worker(0).Pid!.Value), Apps.Deadline, "the replacement to take connections");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // Every connection the Supervisor accepted was handed over and closed on its side; the dead worker's channel
        // and handoff sockets are gone and the replacement has exactly as many as it had.
        await Eventually.TrueAsync(() => OpenSockets(supervisor.Pid) == socketsBefore, Apps.Deadline,
            $"the Supervisor's open sockets to return to {socketsBefore} (now {OpenSockets(supervisor.Pid)})");
    }

    [Fact]
    public async Task Sticky_cookie_naming_a_killed_worker_lands_on_a_live_one_and_gets_a_new_cookie()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", "Sticky", .. Apps.QuickRestarts]);

        var (first, cookie) = await GetWithCookieAsync(supervisor, cookie: null);
        Assert.NotNull(cookie);
        for (var i = 0; i < 10; i++)
        {
            var (pid, renewed) = await GetWithCookieAsync(supervisor, cookie);
            Assert.Equal(first, pid);
            Assert.Null(renewed);
        }

        var index = (await supervisor.GetStatusAsync()).Workers.Single(worker => worker.Pid == first).Index;
        using (var kill = await supervisor.PostAsync($"/workers/{index.ToString(CultureInfo.InvariantCulture)}/kill"))
        {
            kill.EnsureSuccessStatusCode();
        }

        var live = await supervisor.WaitForStatusAsync(
            status => status.Ready.Count == 2 && status.Workers.All(worker => worker.Pid != first), Apps.Deadline, "the killed worker to be replaced");

        var (landed, fresh) = await GetWithCookieAsync(supervisor, cookie);
        Assert.Contains(landed, live.Workers.Select(worker => worker.Pid!.Value));
        Assert.NotNull(fresh);
        Assert.NotEqual(cookie, fresh);

        for (var i = 0; i < 10; i++)
        {
            var (pid, renewed) = await GetWithCookieAsync(supervisor, fresh);
            Assert.Equal(landed, pid);
            Assert.Null(renewed);
        }
    }

    /// <summary>One request on a new connection with the given affinity cookie; the PID that served it and the cookie it set, if any.</summary>
    private static async Task<(int Pid, string? SetCookie)> GetWithCookieAsync(SupervisorProcess supervisor, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/whoami", UriKind.Relative));
        request.Headers.ConnectionClose = true;

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"{HandoffProtocol.AffinityCookieName}={cookie}");
        }

        using var response = await supervisor.Public.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var prefix = HandoffProtocol.AffinityCookieName + "=";
        var set = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(value => value.Split(';')[0]).FirstOrDefault(value => value.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
            : null;
        return (ServedBy.Pid(response), set);
    }

    private static int OpenSockets(int pid) =>
        Directory.EnumerateFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd")
            .Count(fd => new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
}
