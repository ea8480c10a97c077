namespace ReferenceApp.ServiceDefaults;

/// <summary>
/// Every log event of this assembly, numbered once: no two events share an id, so a dashboard filter on an id means one
/// thing. The source-generated loggers take their ids from here (<c>[LoggerMessage(EventId = EventIds.Name, ...)]</c>).
/// </summary>
internal static class EventIds
{
    // Redis/RedisUnavailableExceptionHandler.cs
    public const int RedisUnavailable = 1;
}
