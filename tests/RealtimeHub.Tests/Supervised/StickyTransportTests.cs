using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ReferenceApp.Testing;

namespace ReferenceApp.RealtimeHub.Tests.Supervised;

/// <summary>
/// Every transport through the Supervisor's one sticky port, negotiating first as browsers do (no skipNegotiation).
/// SSE and long polling send each client message as a separate HTTP request, often on a new TCP connection: without
/// stickiness half of those would reach the other worker, which does not know the connection, and fail.
/// </summary>
[Collection(SupervisedRealtimeClusterGroup.Name)]
public sealed class StickyTransportTests(SupervisedRealtimeCluster cluster)
{
    private const int Clients = 50;

    public static TheoryData<HttpTransportType> Transports() =>
        [HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Fifty_of_fifty_clients_connect_through_the_sticky_port_and_each_stays_on_one_worker(HttpTransportType transport)
    {
        var workerPids = await SupervisedRealtimeCluster.WorkerPidsAsync(cluster.Hub);
        Assert.Equal(SupervisedRealtimeCluster.Workers, workerPids.Count);
        using var gate = new SemaphoreSlim(10);
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return await HubClient.ConnectAsync(cluster.HubAddress, transport);
            }
            finally
            {
                gate.Release();
            }
        }));
        try
        {
            var first = await Task.WhenAll(clients.Select(client => client.WhoAmIAsync()));
            Assert.All(first, worker => Assert.Equal(transport.ToString(), worker.Transport));
            Assert.All(first, worker => Assert.Contains(worker.Pid, workerPids));
            Assert.Equal(workerPids.Order(), first.Select(worker => worker.Pid).Distinct().Order());

            // Every client talks (one more request per client on SSE and long polling) and hears every other,
            // whichever worker holds it: the backplane carries what stickiness keeps apart.
            var run = Guid.NewGuid().ToString("N")[..8];
            await Task.WhenAll(clients.Select((client, i) => client.SendMessageAsync($"{run} {i}")));
            await Task.WhenAll(clients.Select((client, i) => HearsEveryoneAsync(client, run, i)));

            var again = await Task.WhenAll(clients.Select(client => client.WhoAmIAsync()));
            Assert.Equal(first.Select(worker => (worker.ConnectionId, worker.Pid)), again.Select(worker => (worker.ConnectionId, worker.Pid)));
            Assert.All(clients, client => Assert.Equal(HubConnectionState.Connected, client.State));
            Assert.All(clients, client => Assert.Null(client.ClosedWith));
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Api_broadcast_through_its_supervisor_reaches_clients_on_every_hub_worker()
    {
        var hubPids = await SupervisedRealtimeCluster.WorkerPidsAsync(cluster.Hub);
        var apiPids = await SupervisedRealtimeCluster.WorkerPidsAsync(cluster.Api);
        var clients = new List<HubClient>();
        try
        {
            // Round-robin hands new clients to the workers in turn: connect until both workers hold some.
            var holders = new Dictionary<HubClient, int>();
            while (holders.Values.Distinct().Count() < hubPids.Count && clients.Count < 20)
            {
                var client = await HubClient.ConnectAsync(cluster.HubAddress, HttpTransportType.LongPolling);
                clients.Add(client);
                holders[client] = (await client.WhoAmIAsync()).Pid;
            }

            Assert.Equal(hubPids.Order(), holders.Values.Distinct().Order());

            // Fresh connections to the Api's port, so both Api workers publish.
            var publishers = new HashSet<int>();
            for (var i = 0; i < 8 && publishers.Count < apiPids.Count; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/broadcast", UriKind.Relative))
                {
                    Content = RealtimeCluster.Json(JsonSerializer.Serialize(new { text = $"supervised {i}" })),
                };
                request.Headers.ConnectionClose = true;
                using var response = await cluster.Api.Public.SendAsync(request);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                using var receipt = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
                var id = receipt.RootElement.GetProperty("id").GetString();
                var apiPid = receipt.RootElement.GetProperty("pid").GetInt32();
                Assert.Contains(apiPid, apiPids);
                Assert.Equal(hubPids.Count, receipt.RootElement.GetProperty("hubWorkers").GetInt64());
                publishers.Add(apiPid);

                foreach (var (client, hubPid) in holders)
                {
                    var delivery = await HubClient.WaitForAsync(client.Broadcasts, d => d.Id == id, $"broadcast {id} at a client of hub pid {hubPid}");
                    Assert.Equal(apiPid, delivery.PublisherPid);
                    Assert.Equal(hubPid, delivery.HubPid);
                }
            }

            Assert.Equal(apiPids.Order(), publishers.Order());
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }

    private static Task HearsEveryoneAsync(HubClient client, string run, int index) =>
        Eventually.TrueAsync(
            () => client.Messages.Count(m => m.Text.StartsWith(run, StringComparison.Ordinal)) == Clients,
            HubClient.DeliveryDeadline,
            $"client {index} to hear all {Clients} clients");
}
