namespace ReferenceApp.RealtimeHub;

/// <summary>
/// Every log event of this assembly, numbered once: no two events share an id, so a dashboard filter on an id means one
/// thing. The source-generated loggers take their ids from here (<c>[LoggerMessage(EventId = EventIds.Name, ...)]</c>).
/// </summary>
internal static class EventIds
{
    // Backplane/BackplaneUnavailableFilter.cs
    public const int BackplaneUnavailable = 1;

    // Broadcasts/BroadcastRelay.cs
    public const int BroadcastSubscribed = 2;
    public const int BroadcastSubscribeFailed = 3;
    public const int BroadcastMalformed = 4;
    public const int BroadcastDelivered = 5;
    public const int BroadcastDeliveryFailed = 6;

    // Limits/MessageRateLimitFilter.cs
    public const int RateLimited = 7;
}
