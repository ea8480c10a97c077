using StackExchange.Redis;

namespace ReferenceApp.ServiceDefaults.Redis;

/// <summary>Tells "Redis cannot be reached" apart from other failures, wherever it surfaces (HTTP, SignalR, background work).</summary>
public static class RedisUnavailable
{
    /// <summary>True when Redis being down, unreachable, too slow or not configured caused <paramref name="exception"/>.</summary>
    public static bool IsCause(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or RedisNotConfiguredException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsCause),
        _ => exception?.InnerException is { } inner && IsCause(inner),
    };
}
