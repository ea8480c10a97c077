using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ReferenceApp.Testing;

namespace ReferenceApp.RealtimeHub.Tests.Resilience;

/// <summary>Redis stops and comes back: the hub workers keep their connections, and the backplane and broadcasts recover.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ServiceProcess[] _hubs = [];
    private ServiceProcess _api = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var services = await Task.WhenAll(
            RealtimeCluster.StartAsync("RealtimeHub", _redis),
            RealtimeCluster.StartAsync("RealtimeHub", _redis),
            RealtimeCluster.StartAsync("Api", _redis));
        _hubs = services[..2];
        _api = services[2];
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_hubs.Append(_api).Select(service => service.DisposeAsync().AsTask()));
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Backplane_and_broadcasts_recover_after_redis_is_stopped_and_restarted()
    {
        await using var first = await HubClient.ConnectAsync(_hubs[0].BaseAddress);
        await using var second = await HubClient.ConnectAsync(_hubs[1].BaseAddress);
        await first.SendMessageAsync("before");
        await HubClient.WaitForAsync(second.Messages, m => m.Text == "before", "a message across workers before the outage");

        await _redis.StopAsync();

        // The connections live in the hub workers, not in Redis: they stay up, and what needs no other worker still works.
        Assert.Equal(_hubs[0].Pid, (await first.WhoAmIAsync()).Pid);
        var stopwatch = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<HubException>(() => first.SendMessageAsync("during"));
        Assert.Contains("unavailable", refused.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"the refusal took {stopwatch.Elapsed}");
        using (var response = await _api.Client.PostAsync(new Uri("/api/broadcast", UriKind.Relative), RealtimeCluster.Json("""{"text":"during"}""")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        await _redis.RestartAsync();

        // Pub/sub is fire-and-forget: until both workers have re-subscribed a message may be lost, so each attempt sends a new one.
        var attempt = 0;
        await Eventually.TrueAsync(async () =>
        {
            var text = $"after {++attempt}";
            try
            {
                await first.SendMessageAsync(text);
            }
            catch (HubException)
            {
                return false;
            }

            return await ArrivesAsync(second, text);
        }, TimeSpan.FromSeconds(30), "a message across workers after Redis returned");
        Assert.Equal(HubConnectionState.Connected, first.State);
        Assert.Equal(HubConnectionState.Connected, second.State);

        await Eventually.TrueAsync(async () =>
        {
            using var response = await _api.Client.PostAsync(new Uri("/api/broadcast", UriKind.Relative), RealtimeCluster.Json("""{"text":"after"}"""));
            return response.StatusCode == HttpStatusCode.Accepted
                && await ArrivesAsync(first, "after", broadcast: true)
                && await ArrivesAsync(second, "after", broadcast: true);
        }, TimeSpan.FromSeconds(30), "an Api broadcast to reach both hub workers' clients after Redis returned");
    }

    private static async Task<bool> ArrivesAsync(HubClient client, string text, bool broadcast = false)
    {
        try
        {
            await Eventually.TrueAsync(
                () => broadcast ? client.Broadcasts.Any(d => d.Text == text) : client.Messages.Any(m => m.Text == text),
                TimeSpan.FromSeconds(2),
                $"'{text}' to arrive");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
