using Microsoft.AspNetCore.SignalR;
using ReferenceApp.ServiceDefaults.Redis;

namespace ReferenceApp.RealtimeHub.Backplane;

/// <summary>
/// While Redis is down, a hub method that needs the backplane (send to everyone, to a room, join a room) fails fast
/// inside StackExchange.Redis. This turns that into a <see cref="HubException"/> the caller can read, instead of SignalR's
/// generic "An unexpected error occurred"; the connection stays open, and the next call works once Redis is back.
/// </summary>
internal sealed partial class BackplaneUnavailableFilter(ILogger<BackplaneUnavailableFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(invocationContext);
        }
        catch (Exception exception) when (RedisUnavailable.IsCause(exception))
        {
            Log.BackplaneUnavailable(logger, invocationContext.HubMethodName, exception.GetType().Name);
            throw new HubException(
                $"The realtime backplane (Redis) is unavailable, so '{invocationContext.HubMethodName}' could not reach other workers. Retry shortly.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BackplaneUnavailable, EventName = nameof(EventIds.BackplaneUnavailable), Level = LogLevel.Warning,
            Message = "Hub method {HubMethod} needs the Redis backplane, which is unavailable ({ExceptionType})")]
        public static partial void BackplaneUnavailable(ILogger logger, string hubMethod, string exceptionType);
    }
}
