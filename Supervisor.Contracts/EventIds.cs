namespace ReferenceApp.Supervisor.Contracts;

/// <summary>
/// Every log event of this assembly, numbered once: no two events share an id, so a dashboard filter on an id means one
/// thing. The source-generated loggers take their ids from here (<c>[LoggerMessage(EventId = EventIds.Name, ...)]</c>).
/// </summary>
internal static class EventIds
{
    // Hosting/ParentWatchdog.cs
    public const int ParentGone = 1;
}
