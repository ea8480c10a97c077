using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using ReferenceApp.RealtimeHub.Connections;
using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.RealtimeHub.Hubs;
using ReferenceApp.ServiceDefaults.Hosting;
using StackExchange.Redis;

namespace ReferenceApp.RealtimeHub.Broadcasts;

/// <summary>
/// Delivers what other services publish on <see cref="RealtimeChannels.Broadcast"/> to the clients of this worker.
/// Every hub worker subscribes, and each writes only to the connections it holds itself (<see cref="LocalConnections"/>),
/// so a broadcast reaches every client exactly once and each delivery names the worker that made it
/// (<see cref="BroadcastDelivery.HubPid"/>). The SignalR backplane's own <c>Clients.All</c> could not say that: the
/// publisher serializes the message once, before anyone knows which worker will deliver it.
/// </summary>
internal sealed partial class BroadcastRelay(
    IConnectionMultiplexer redis,
    IHubContext<ChatHub, IChatClient> hub,
    LocalConnections localConnections,
    WorkerIdentity identity,
    TimeProvider time,
    ILogger<BroadcastRelay> logger) : BackgroundService
{
    public const string ActivitySourceName = "ReferenceApp.Realtime";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly RedisChannel Channel = RedisChannel.Literal(RealtimeChannels.Broadcast);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Redis may be down when the worker starts: retry until the subscription stands. From then on StackExchange.Redis re-subscribes by itself after every reconnect.
        var subscriber = redis.GetSubscriber();
        ChannelMessageQueue? queue = null;
        for (var attempt = 1; queue is null && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                queue = await subscriber.SubscribeAsync(Channel).WaitAsync(stoppingToken);
                Log.Subscribed(logger, RealtimeChannels.Broadcast, attempt);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Once, not every second: the Redis health check and the connection's own events tell the rest.
                if (attempt == 1)
                {
                    Log.SubscribeFailed(logger, RealtimeChannels.Broadcast, exception.Message);
                }

                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }

        if (queue is null)
        {
            return;
        }

        try
        {
            // One message at a time, in publish order.
            await foreach (var message in queue.WithCancellation(stoppingToken))
            {
                try
                {
                    await DeliverAsync(message.Message);
                }
#pragma warning disable CA1031 // one failed delivery must not end the relay, or this worker's clients get no more broadcasts
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    Log.DeliveryFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await queue.UnsubscribeAsync(CommandFlags.FireAndForget);
        }
    }

    private async Task DeliverAsync(RedisValue payload)
    {
        BroadcastEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize((byte[])payload!, RealtimeJson.Default.BroadcastEnvelope);
        }
        catch (JsonException exception)
        {
            Log.MalformedEnvelope(logger, exception.Message);
            return;
        }

        if (envelope is null)
        {
            return;
        }

        // The delivery continues the publisher's trace, so one trace shows the Api worker and every hub worker.
        ActivityContext.TryParse(envelope.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("broadcast deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.destination.name", RealtimeChannels.Broadcast);
        activity?.SetTag("messaging.message.id", envelope.Id);

        var delivery = new BroadcastDelivery(
            envelope.Id,
            envelope.Text,
            envelope.PublisherInstance,
            envelope.PublisherPid,
            envelope.SentAt,
            identity.InstanceId,
            identity.ProcessId,
            time.GetUtcNow());

        var connections = localConnections.Snapshot();
        activity?.SetTag("messaging.batch.message_count", connections.Count);
        // Clients.Client on a connection this worker holds writes to it directly; nothing goes back through Redis.
        await Task.WhenAll(connections.Select(connectionId => hub.Clients.Client(connectionId).ReceiveBroadcast(delivery)));
        Log.Delivered(logger, envelope.Id, envelope.PublisherInstance, connections.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BroadcastSubscribed, EventName = nameof(EventIds.BroadcastSubscribed), Level = LogLevel.Information,
            Message = "Subscribed to {Channel} (attempt {Attempt}): broadcasts published there reach this worker's clients")]
        public static partial void Subscribed(ILogger logger, string channel, int attempt);

        [LoggerMessage(EventId = EventIds.BroadcastSubscribeFailed, EventName = nameof(EventIds.BroadcastSubscribeFailed), Level = LogLevel.Warning,
            Message = "Cannot subscribe to {Channel} yet ({Reason}); retrying every second until Redis answers")]
        public static partial void SubscribeFailed(ILogger logger, string channel, string reason);

        [LoggerMessage(EventId = EventIds.BroadcastMalformed, EventName = nameof(EventIds.BroadcastMalformed), Level = LogLevel.Warning,
            Message = "Ignored a broadcast that is not a valid envelope: {Reason}")]
        public static partial void MalformedEnvelope(ILogger logger, string reason);

        [LoggerMessage(EventId = EventIds.BroadcastDelivered, EventName = nameof(EventIds.BroadcastDelivered), Level = LogLevel.Debug,
            Message = "Broadcast {BroadcastId} from {Publisher} delivered to {Connections} local connections")]
        public static partial void Delivered(ILogger logger, string broadcastId, string publisher, int connections);

        [LoggerMessage(EventId = EventIds.BroadcastDeliveryFailed, EventName = nameof(EventIds.BroadcastDeliveryFailed), Level = LogLevel.Error,
            Message = "A broadcast could not be delivered to this worker's clients")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception);
    }
}
