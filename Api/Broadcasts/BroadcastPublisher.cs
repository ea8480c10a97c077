using System.Diagnostics;
using System.Text.Json;
using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.ServiceDefaults.Hosting;
using ReferenceApp.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ReferenceApp.Api.Broadcasts;

/// <summary>
/// Publishes a <see cref="BroadcastEnvelope"/> on <see cref="RealtimeChannels.Broadcast"/>. Every RealtimeHub worker
/// subscribes to that channel and hands the message to the clients it holds, adding its own PID. The Api therefore needs
/// neither SignalR nor the hub's type: the contract is one channel and one JSON shape (RealtimeHub.Contracts).
/// </summary>
public sealed class BroadcastPublisher(IServiceProvider services, WorkerIdentity identity, TimeProvider time)
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(RealtimeChannels.Broadcast);

    public async Task<BroadcastReceipt> PublishAsync(string text, CancellationToken cancellationToken)
    {
        var redis = services.GetService<IConnectionMultiplexer>() ?? throw new RedisNotConfiguredException();
        var envelope = new BroadcastEnvelope(
            Guid.NewGuid().ToString("N"),
            text,
            identity.InstanceId,
            identity.ProcessId,
            time.GetUtcNow(),
            Activity.Current?.Id);
        var payload = JsonSerializer.SerializeToUtf8Bytes(envelope, RealtimeJson.Default.BroadcastEnvelope);
        // PUBLISH answers how many subscriptions received it: one per hub worker that is connected to Redis.
        var hubWorkers = await redis.GetSubscriber().PublishAsync(Channel, payload).WaitAsync(cancellationToken);
        return new BroadcastReceipt(envelope.Id, envelope.PublisherInstance, envelope.PublisherPid, envelope.SentAt, hubWorkers);
    }
}

/// <summary>What <c>POST /api/broadcast</c> answers.</summary>
/// <param name="HubWorkers">How many hub workers were subscribed and received it from Redis.</param>
public sealed record BroadcastReceipt(string Id, string Instance, int Pid, DateTimeOffset SentAt, long HubWorkers);
