using System.Collections.Concurrent;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Balancing;

[Trait("Tier", "Unit")]
public sealed class RoundRobinPolicyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task New_connections_alternate_strictly_between_ready_workers()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.RoundRobin);
        var first = await harness.AddWorkerAsync(0);
        var second = await harness.AddWorkerAsync(1);

        var served = await GetWithNewConnectionsAsync(harness, 40);

        Assert.Equal(20, served.Count(name => name == first.Name));
        Assert.Equal(20, served.Count(name => name == second.Name));
        Assert.Equal(40, harness.Policy.HandedOff);
    }

    [Fact]
    public async Task Worker_that_is_not_ready_yet_or_leaving_gets_no_connection()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.RoundRobin);
        var ready = await harness.AddWorkerAsync(0);
        var starting = await harness.AddWorkerAsync(1, ready: false);

        Assert.All(await GetWithNewConnectionsAsync(harness, 10), name => Assert.Equal(ready.Name, name));

        harness.Policy.WorkerReady(starting.Balanced);
        harness.Policy.WorkerLeaving(ready.Balanced);
        Assert.All(await GetWithNewConnectionsAsync(harness, 10), name => Assert.Equal(starting.Name, name));
    }

    [Fact]
    public async Task Client_connecting_while_no_worker_is_ready_waits_and_is_served_when_one_is()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.RoundRobin);
        using var client = NewClient(harness);

        var early = client.GetStringAsync(new Uri("/who", UriKind.Relative));
        var worker = await harness.AddWorkerAsync(0);

        Assert.Equal(worker.Name, await early.WaitAsync(Deadline));
    }

    [Fact]
    public async Task Rolling_replacement_under_load_loses_no_request()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.RoundRobin);
        var workers = new List<InProcessWorker> { await harness.AddWorkerAsync(0), await harness.AddWorkerAsync(1) };
        var failures = new ConcurrentQueue<Exception>();
        var served = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            // A new connection per request, the case where a queued connection could be lost.
            using var client = NewClient(harness, connectionClose: true);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    served.AddOrUpdate(await client.GetStringAsync(new Uri("/who", UriKind.Relative)), 1, (_, n) => n + 1);
                }
                catch (HttpRequestException exception)
                {
                    failures.Enqueue(exception);
                }
            }
        })).ToArray();

        for (var round = 0; round < 3; round++)
        {
            foreach (var index in new[] { 0, 1 })
            {
                var old = workers[index];
                workers[index] = await harness.AddWorkerAsync(index);
                await harness.RemoveWorkerAsync(old);
            }
        }

        // The replacements take connections too: the load reaches both of them before it stops.
        await Eventually.TrueAsync(() => workers.All(worker => served.ContainsKey(worker.Name)), Deadline, "both replacement workers to serve");
        await stop.CancelAsync();
        await Task.WhenAll(load).WaitAsync(Deadline);

        Assert.Empty(failures);
    }

    internal static HttpClient NewClient(PolicyHarness harness, bool connectionClose = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = harness.BaseAddress, Timeout = Deadline };
        client.DefaultRequestHeaders.ConnectionClose = connectionClose;
        return client;
    }

    internal static async Task<List<string>> GetWithNewConnectionsAsync(PolicyHarness harness, int count, string? cookie = null)
    {
        using var client = NewClient(harness, connectionClose: true);
        var served = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/who", UriKind.Relative));
            if (cookie is not null)
            {
                request.Headers.Add("Cookie", cookie);
            }

            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            served.Add(await response.Content.ReadAsStringAsync());
        }

        return served;
    }
}
