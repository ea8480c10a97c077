using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.Testing;
using StackExchange.Redis;

namespace ReferenceApp.RealtimeHub.Tests.Resilience;

/// <summary>Hub workers that start while Redis is down serve at once, and join the backplane fully once Redis comes up.</summary>
public sealed class RedisDownAtStartTests
{
    [Fact]
    public async Task Hub_workers_started_while_redis_is_down_join_the_backplane_fully_when_it_comes_up()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();
        var hubs = await Task.WhenAll(RealtimeCluster.StartAsync("RealtimeHub", redis), RealtimeCluster.StartAsync("RealtimeHub", redis));
        try
        {
            // A client arriving while Redis is down is turned away (the backplane cannot register it) rather than left
            // half-connected; that first attempt is also what used to leave a backplane half set up. The server closes
            // right after its handshake reply, so the client sees the close either while it reads that reply (StartAsync
            // throws) or just after (the connection closes); both are the same refusal, and either is accepted.
            await AssertTurnedAwayAsync(hubs[0].BaseAddress);

            await redis.RestartAsync();

            await using var first = await Eventually.ReturnsAsync<HubClient>(async () => await HubClient.ConnectAsync(hubs[0].BaseAddress), TimeSpan.FromSeconds(30), "a client to connect to the first hub worker");
            await using var second = await Eventually.ReturnsAsync<HubClient>(async () => await HubClient.ConnectAsync(hubs[1].BaseAddress), TimeSpan.FromSeconds(30), "a client to connect to the second hub worker");
            // A backplane sets itself up when a connection arrives. Pub/sub is not durable: a message published before
            // the other worker has subscribed is lost by design. So wait until both workers' backplanes listen, on the
            // broadcast channel and on the group-management channel (which a half set-up backplane misses), then prove
            // a message crosses workers.
            await using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var hubChannel = $"{RealtimeChannels.BackplanePrefix}ReferenceApp.RealtimeHub.Hubs.ChatHub";
            foreach (var channel in new[] { hubChannel + ":all", hubChannel + ":internal:groups" })
            {
                await Eventually.TrueAsync(
                    async () => (long)((RedisResult[])(await probe.GetServers()[0].ExecuteAsync("PUBSUB", "NUMSUB", channel))!)[1] == 2,
                    TimeSpan.FromSeconds(30),
                    $"both hub workers to subscribe to {channel} after Redis returned");
            }

            await first.SendMessageAsync("hello after a cold start");
            await HubClient.WaitForAsync(second.Messages, m => m.Text == "hello after a cold start", "a message across workers");
        }
        finally
        {
            await Task.WhenAll(hubs.Select(hub => hub.DisposeAsync().AsTask()));
        }
    }

    private static async Task AssertTurnedAwayAsync(Uri baseAddress)
    {
        HubClient early;
        try
        {
            early = await HubClient.ConnectAsync(baseAddress);
        }
        catch (InvalidOperationException refused) when (refused.Message.Contains("InternalServerError", StringComparison.Ordinal))
        {
            return;
        }

        await using (early)
        {
            await Eventually.TrueAsync(() => early.ClosedWith is not null, TimeSpan.FromSeconds(15), "the hub to close a connection it cannot register");
        }
    }
}
