using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;

namespace ReferenceApp.RealtimeHub.Tests.Broadcasts;

/// <summary>POST /api/broadcast on any Api worker reaches every client of every hub worker, once, stamped by both ends.</summary>
[Collection(RealtimeClusterGroup.Name)]
public sealed class ApiBroadcastTests(RealtimeCluster cluster)
{
    [Fact]
    public async Task Broadcast_from_either_api_worker_reaches_every_client_on_every_hub_worker_once()
    {
        HubClient[] clients =
        [
            await HubClient.ConnectAsync(cluster.Hubs[0].BaseAddress, HttpTransportType.WebSockets),
            await HubClient.ConnectAsync(cluster.Hubs[0].BaseAddress, HttpTransportType.LongPolling),
            await HubClient.ConnectAsync(cluster.Hubs[1].BaseAddress, HttpTransportType.WebSockets),
            await HubClient.ConnectAsync(cluster.Hubs[1].BaseAddress, HttpTransportType.ServerSentEvents),
        ];
        try
        {
            var workers = await Task.WhenAll(clients.Select(client => client.WhoAmIAsync()));
            Assert.Equal(2, workers.Select(worker => worker.Pid).Distinct().Count());

            foreach (var api in cluster.Apis)
            {
                var text = $"news from {api.Pid} {Guid.NewGuid():N}";
                using var response = await api.Client.PostAsync(new Uri("/api/broadcast", UriKind.Relative), RealtimeCluster.Json(JsonSerializer.Serialize(new { text })));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                using var receipt = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
                Assert.Equal(api.Pid, receipt.RootElement.GetProperty("pid").GetInt32());
                Assert.Equal(2, receipt.RootElement.GetProperty("hubWorkers").GetInt64());
                var id = receipt.RootElement.GetProperty("id").GetString();

                for (var i = 0; i < clients.Length; i++)
                {
                    var delivery = await HubClient.WaitForAsync(clients[i].Broadcasts, d => d.Id == id, $"broadcast {id} at client {i}");
                    Assert.Equal(text, delivery.Text);
                    Assert.Equal(api.Pid, delivery.PublisherPid);
                    Assert.Equal(workers[i].Pid, delivery.HubPid);
                    Assert.Equal(workers[i].Instance, delivery.HubInstance);
                    Assert.True(delivery.DeliveredAt >= delivery.SentAt, $"delivered at {delivery.DeliveredAt:O}, sent at {delivery.SentAt:O}");
                }
            }

            // Exactly once: a worker delivers only to the connections it holds, never to another worker's.
            var sent = clients[0].Broadcasts.Where(d => d.Text.StartsWith("news from", StringComparison.Ordinal)).Select(d => d.Id).ToHashSet();
            Assert.All(clients, client => Assert.Equal(
                sent.Count,
                client.Broadcasts.Count(d => sent.Contains(d.Id))));
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }
}
