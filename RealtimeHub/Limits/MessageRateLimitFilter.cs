using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ReferenceApp.RealtimeHub.Limits;

/// <summary>
/// Limits every hub invocation of a connection to <see cref="RealtimeHubOptions.MessagesPerSecond"/> (with a burst of
/// <see cref="RealtimeHubOptions.MessageBurst"/>). An invocation over the limit is refused with a <see cref="HubException"/>,
/// which the caller receives as the error of that invocation; the connection stays open.
/// </summary>
internal sealed partial class MessageRateLimitFilter(IOptions<RealtimeHubOptions> options, TimeProvider time, ILogger<MessageRateLimitFilter> logger)
    : IHubFilter
{
    private static readonly object BucketKey = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        context.Context.Items[BucketKey] = new TokenBucket(options.Value.MessageBurst, options.Value.MessagesPerSecond, time);
        return next(context);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (invocationContext.Context.Items[BucketKey] is TokenBucket bucket && !bucket.TryTake())
        {
            Log.RateLimited(logger, invocationContext.Context.ConnectionId, invocationContext.HubMethodName);
            throw new HubException(
                $"Rate limit exceeded: at most {options.Value.MessagesPerSecond} messages per second per connection " +
                $"(bursts of {options.Value.MessageBurst}). '{invocationContext.HubMethodName}' was not run; slow down and retry.");
        }

        return next(invocationContext);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RateLimited, EventName = nameof(EventIds.RateLimited), Level = LogLevel.Debug,
            Message = "Connection {ConnectionId} exceeded its message rate; {HubMethod} refused")]
        public static partial void RateLimited(ILogger logger, string connectionId, string hubMethod);
    }
}
