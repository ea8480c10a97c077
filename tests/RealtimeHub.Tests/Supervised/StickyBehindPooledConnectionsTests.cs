using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;
using ReferenceApp.Testing.Proxies;

namespace ReferenceApp.RealtimeHub.Tests.Supervised;

/// <summary>
/// Sticky routing when one TCP connection carries many clients' requests: nginx with an upstream keepalive pool in front of
/// the sticky port, and a client process whose SignalR connections all share one <see cref="SocketsHttpHandler"/>. The
/// Supervisor picks a worker per connection; every request must still reach the worker its affinity cookie names.
/// </summary>
[Collection(SupervisedRealtimeClusterGroup.Name)]
public sealed class StickyBehindPooledConnectionsTests(SupervisedRealtimeCluster cluster)
{
    private const int Clients = 100;
    private const int Senders = 10;

    public static TheoryData<HttpTransportType> PollingTransports() => [HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling];

    [Theory]
    [MemberData(nameof(PollingTransports))]
    public async Task Hundred_clients_behind_nginx_keepalive_sharing_one_handler_each_keep_their_worker_and_chat_across_workers(HttpTransportType transport)
    {
        await using var nginx = await NginxProcess.StartAsync(cluster.Hub.Port);
        await EveryClientKeepsItsWorkerAsync(nginx.BaseAddress, transport);
    }

    [Theory]
    [MemberData(nameof(PollingTransports))]
    public async Task Hundred_clients_sharing_one_handler_directly_on_the_sticky_port_each_keep_their_worker_and_chat_across_workers(HttpTransportType transport) =>
        await EveryClientKeepsItsWorkerAsync(cluster.HubAddress, transport);

    [Fact]
    public async Task WebSocket_clients_through_nginx_are_held_by_the_worker_their_cookie_names()
    {
        var affinity = await AffinityIdsAsync();
        await using var nginx = await NginxProcess.StartAsync(cluster.Hub.Port, keepalive: 2);
        var clients = new List<(HubClient Client, int ExpectedPid)>();
        try
        {
            // Alternating cookies, so upgrades keep landing on pooled upstream connections that the other worker holds.
            for (var i = 0; i < 20; i++)
            {
                var (id, pid) = affinity[i % affinity.Count];
                var cookies = new CookieContainer();
                cookies.Add(new Cookie(HandoffProtocol.AffinityCookieName, id, "/", nginx.BaseAddress.Host));
                clients.Add((await HubClient.ConnectAsync(nginx.BaseAddress, HttpTransportType.WebSockets, options => options.Cookies = cookies), pid));
            }

            foreach (var (client, expected) in clients)
            {
                var worker = await client.WhoAmIAsync();
                Assert.Equal(nameof(HttpTransportType.WebSockets), worker.Transport);
                Assert.Equal(expected, worker.Pid);
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.Client.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Clients_of_a_worker_killed_mid_stream_reconnect_to_a_live_worker_behind_nginx()
    {
        await using var nginx = await NginxProcess.StartAsync(cluster.Hub.Port);
        using var pool = new SharedConnectionPool();
        var records = Enumerable.Range(0, 20).Select(_ => new SharedConnectionPool.ClientRecord()).ToArray();
        var clients = await ConnectAllAsync(nginx.BaseAddress, HttpTransportType.ServerSentEvents, pool, records);
        var replacements = new List<HubClient>();
        try
        {
            var holders = await Task.WhenAll(clients.Select(client => client.WhoAmIAsync()));
            var victim = holders[0].Pid;
            var held = Enumerable.Range(0, clients.Length).Where(i => holders[i].Pid == victim).ToArray();
            Signals.Send(victim, Signals.SIGKILL);

            await Eventually.TrueAsync(() => held.All(i => clients[i].State == HubConnectionState.Disconnected), TimeSpan.FromSeconds(30),
                $"the {held.Length} clients of killed pid {victim} to see their stream end");
            var reconnected = new List<int>();
            for (var i = 0; i < clients.Length; i++)
            {
                if (await StillServedByAsync(clients[i]) is { } pid)
                {
                    // Still connected: to the worker that held it all along.
                    Assert.Equal(holders[i].Pid, pid);
                    continue;
                }

                // Its worker died, or its stream rode on a pooled connection of the dead worker. The same cookie jar: the
                // cookie may still name the dead worker, and must not send the client into the void.
                var client = await HubClient.ConnectAsync(nginx.BaseAddress, HttpTransportType.ServerSentEvents, pool.Configure(records[i]));
                replacements.Add(client);
                var worker = await client.WhoAmIAsync();
                Assert.NotEqual(victim, worker.Pid);
                Assert.Equal(worker.Pid, (await client.WhoAmIAsync()).Pid);
                reconnected.Add(i);
            }

            Assert.Subset(reconnected.ToHashSet(), held.ToHashSet());
        }
        finally
        {
            await Task.WhenAll(clients.Concat(replacements).Select(client => client.DisposeAsync().AsTask()));
            await Eventually.TrueAsync(async () => (await SupervisedRealtimeCluster.WorkerPidsAsync(cluster.Hub)).Count == SupervisedRealtimeCluster.Workers,
                SupervisorProcess.ReadyDeadline, "the Supervisor to replace the killed worker");
        }
    }

    /// <summary>The PID holding the client's connection, or null when the connection is gone.</summary>
    private static async Task<int?> StillServedByAsync(HubClient client)
    {
        if (client.State != HubConnectionState.Connected)
        {
            return null;
        }

        try
        {
            return (await client.WhoAmIAsync()).Pid;
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException or OperationCanceledException
            or Microsoft.AspNetCore.SignalR.HubException)
        {
            return null;
        }
    }

    private async Task EveryClientKeepsItsWorkerAsync(Uri address, HttpTransportType transport)
    {
        var workerPids = await SupervisedRealtimeCluster.WorkerPidsAsync(cluster.Hub);
        using var pool = new SharedConnectionPool();
        var records = Enumerable.Range(0, Clients).Select(_ => new SharedConnectionPool.ClientRecord()).ToArray();
        var clients = await ConnectAllAsync(address, transport, pool, records);
        try
        {
            var first = await Task.WhenAll(clients.Select(client => client.WhoAmIAsync()));
            Assert.All(first, worker => Assert.Equal(transport.ToString(), worker.Transport));
            Assert.Equal(workerPids.Order(), first.Select(worker => worker.Pid).Distinct().Order());

            // Senders from both workers; everyone hears every sender, so messages cross workers through the backplane.
            var senders = Enumerable.Range(0, Clients).GroupBy(i => first[i].Pid).SelectMany(group => group.Take(Senders / workerPids.Count)).ToArray();
            var run = Guid.NewGuid().ToString("N")[..8];
            await Task.WhenAll(senders.Select(i => clients[i].SendMessageAsync($"{run} {i}")));
            await Task.WhenAll(clients.Select((client, i) => Eventually.TrueAsync(
                () => client.Messages.Count(m => m.Text.StartsWith(run, StringComparison.Ordinal)) == senders.Length,
                HubClient.DeliveryDeadline, $"client {i} to hear all {senders.Length} senders")));
            Assert.All(clients.Select((client, i) => (client, i)), pair =>
                Assert.Contains(pair.client.Messages, (ChatMessage m) => m.Text.StartsWith(run, StringComparison.Ordinal) && m.SenderPid != first[pair.i].Pid));

            var again = await Task.WhenAll(clients.Select(client => client.WhoAmIAsync()));
            Assert.Equal(first.Select(worker => (worker.ConnectionId, worker.Pid)), again.Select(worker => (worker.ConnectionId, worker.Pid)));
            for (var i = 0; i < Clients; i++)
            {
                // Negotiate, every poll and every send: answered by the worker that holds the connection.
                Assert.NotEmpty(records[i].ServedBy);
                Assert.All(records[i].ServedBy, pid => Assert.Equal(first[i].Pid, pid));
                Assert.Equal(HubConnectionState.Connected, clients[i].State);
                Assert.Null(clients[i].ClosedWith);
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }

    private static async Task<HubClient[]> ConnectAllAsync(Uri address, HttpTransportType transport, SharedConnectionPool pool, SharedConnectionPool.ClientRecord[] records)
    {
        using var gate = new SemaphoreSlim(10);
        var connected = await Task.WhenAll(records.Select(async record =>
        {
            await gate.WaitAsync();
            try
            {
                return await HubClient.ConnectAsync(address, transport, pool.Configure(record));
            }
#pragma warning disable CA1031 // a failed connect is counted and reported below, with the others' outcome
            catch (Exception exception)
#pragma warning restore CA1031
            {
                return (object)exception;
            }
            finally
            {
                gate.Release();
            }
        }));

        var failures = connected.OfType<Exception>().ToArray();
        var clients = connected.OfType<HubClient>().ToArray();
        if (failures.Length > 0)
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
            Assert.Fail($"{failures.Length} of {records.Length} {transport} clients failed to connect; first: {failures[0]}");
        }

        return clients;
    }

    /// <summary>Each ready worker's affinity id and PID, learnt from the cookie it sets on a fresh connection's first request.</summary>
    private async Task<IReadOnlyList<(string Id, int Pid)>> AffinityIdsAsync()
    {
        var found = new Dictionary<int, string>();
        using var fresh = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = cluster.HubAddress };
        await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/alive", UriKind.Relative));
            request.Headers.ConnectionClose = true;
            using var response = await fresh.SendAsync(request);
            var cookie = response.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith(HandoffProtocol.AffinityCookieName + "=", StringComparison.Ordinal));
            found[Testing.Http.ServedBy.Pid(response)] = cookie[(HandoffProtocol.AffinityCookieName.Length + 1)..].Split(';')[0];
            return found.Count == SupervisedRealtimeCluster.Workers;
        }, TimeSpan.FromSeconds(30), "an affinity cookie from every worker");
        return [.. found.Select(pair => (pair.Value, pair.Key))];
    }
}
